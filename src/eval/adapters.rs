//! Public data sets -> the pipeline -> metrics comparable with published numbers.
//!
//! - Financial PhraseBank (TSV `text\tlabel\tagree`): one sentence a line, each run as a
//!   one-sentence document -> sentiment accuracy and macro-F1, over all lines and over those
//!   with `agree == 100`.
//! - FiNER-ORD (token CSV `gold_label,gold_token,doc_idx,sent_idx`): each document's tokens
//!   joined by single spaces, predicted `PERSON`/`LOC`/`ORG` mentions projected onto the tokens
//!   as BIO tags -> entity micro-F1 as seqeval counts it, overall and per type.
//! - Sentences (JSON Lines `{"text": ..., "sentences": [...]}`) -> the sentence splitter's
//!   share of exactly split texts and boundary P/R/F1.
//!
//! ```text
//! Revenue fell 5% .\tnegative\t100   -> predicted negative -> accuracy 1.0 (n 1)
//! ```

use crate::document::{Document, EntityType, Format as TextFormat, Origin, Polarity, Span};
use crate::error::{Error, Result};
use crate::eval::gold::SENTIMENT_LABELS;
use crate::eval::metrics::{Accuracy, Bio, Confusion, Counts, chunks, match_exact, match_typed};
use crate::eval::{HeldOut, Report, read_text, run_all};
use crate::pipeline::Pipeline;
use crate::train::data;
use rayon::prelude::*;
use serde::Deserialize;
use std::path::Path;

fn invalid(path: &Path, line: usize, message: impl std::fmt::Display) -> Error {
    Error::Invalid(format!("{}:{line}: {message}", path.display()))
}

/// The index of each named column in a header, or an error naming the missing one.
fn columns<const N: usize>(path: &Path, header: &[String], names: [&str; N]) -> Result<[usize; N]> {
    let mut found = [0; N];
    for (slot, name) in found.iter_mut().zip(names) {
        *slot = header
            .iter()
            .position(|h| h.trim() == name)
            .ok_or_else(|| {
                invalid(
                    path,
                    1,
                    format!(
                        "header has no column `{name}` (expected {})",
                        names.join(", ")
                    ),
                )
            })?;
    }
    Ok(found)
}

/// Financial PhraseBank: each line is one labeled sentence. Its predicted label is the
/// pipeline's sentence sentiment when the line reads as one sentence; when the splitter cuts
/// it into several, the article sentiment the pipeline gives those sentences together; with
/// neither, the line counts as `none`, a miss. With `held_out`, only the lines
/// `finnews train sentiment` holds out of this file with that split are scored.
pub fn phrasebank(path: &Path, pipeline: &Pipeline, held_out: Option<HeldOut>) -> Result<Report> {
    let mut lines = data::read_phrasebank(path)?;
    let has_agree = lines.iter().any(|(_, e)| e.agree.is_some());
    if let Some(split) = held_out {
        let keys: Vec<_> = lines
            .iter()
            .map(|(_, e)| data::split_key(e.label, e.agree))
            .collect();
        let (_, valid) = data::stratified_indices(&keys, split.fraction, split.seed);
        let mut keep = vec![false; lines.len()];
        for i in valid {
            keep[i] = true;
        }
        let mut keep = keep.into_iter();
        lines.retain(|_| keep.next().unwrap_or(false));
    }
    let gold: Vec<(Polarity, bool)> = lines
        .iter()
        .map(|(_, e)| (e.label, e.agree == Some(100)))
        .collect();
    let source = path.display().to_string();
    let docs = lines
        .into_iter()
        .map(|(line, e)| {
            let origin = Origin {
                source: source.clone(),
                line: Some(line),
            };
            Document::new(origin.to_string(), e.text, origin, TextFormat::Plain)
        })
        .collect();

    let (docs, failures) = run_all(pipeline, docs);
    let mut all = Confusion::new(&SENTIMENT_LABELS, &["none"], 3);
    let mut agreed = all.clone();
    for (doc, &(label, agree_100)) in docs.iter().zip(&gold) {
        let predicted = line_label(doc).map_or(SENTIMENT_LABELS.len(), polarity_index);
        all.add(polarity_index(label), predicted);
        if agree_100 {
            agreed.add(polarity_index(label), predicted);
        }
    }
    let mut report = Report::empty(crate::eval::Format::Phrasebank, docs.len(), failures);
    report.sentiment = Some(all);
    if has_agree {
        report.sentiment_agree_100 = Some(agreed);
    }
    Ok(report)
}

/// The pipeline's label of one PhraseBank line: its sentence's, or, when the splitter cut the
/// line into several sentences, the article's (see [`phrasebank`]).
fn line_label(doc: &Document) -> Option<Polarity> {
    match doc.sentences.as_slice() {
        [one] => one.sentiment.map(|s| s.label),
        _ => doc.sentiment.map(|s| s.label),
    }
}

fn polarity_index(p: Polarity) -> usize {
    Polarity::ALL.iter().position(|&q| q == p).unwrap_or(0)
}

/// The entity types FiNER-ORD labels, as seqeval names them.
pub const FINER_TYPES: [&str; 3] = ["PER", "LOC", "ORG"];

/// A FiNER-ORD `gold_label`: 0 = O, 1/2 = B/I-PER, 3/4 = B/I-LOC, 5/6 = B/I-ORG.
fn finer_tag(label: &str) -> Option<Bio<&'static str>> {
    let n: usize = label.trim().parse().ok()?;
    match n {
        0 => Some(Bio::O),
        1..=6 => {
            let kind = FINER_TYPES[(n - 1) / 2];
            Some(if n % 2 == 1 {
                Bio::B(kind)
            } else {
                Bio::I(kind)
            })
        }
        _ => None,
    }
}

/// Our entity types that FiNER-ORD scores; the others (PRODUCT, TICKER, MONEY, ...) are not
/// projected onto its tokens.
fn finer_type(kind: EntityType) -> Option<&'static str> {
    match kind {
        EntityType::Person => Some("PER"),
        EntityType::Loc => Some("LOC"),
        EntityType::Org => Some("ORG"),
        _ => None,
    }
}

/// One FiNER-ORD document rebuilt as text.
struct FinerDoc {
    /// The `doc_idx` it was read under.
    key: String,
    origin: Origin,
    text: String,
    /// Each token's byte span in `text`.
    tokens: Vec<Span>,
    gold: Vec<Bio<&'static str>>,
    /// The first token of each sentence.
    sentence_starts: Vec<usize>,
    /// The `sent_idx` of the last sentence.
    last_sentence: String,
}

impl FinerDoc {
    /// Token ranges of the sentences.
    fn sentences(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        let ends = self
            .sentence_starts
            .iter()
            .skip(1)
            .copied()
            .chain([self.tokens.len()]);
        self.sentence_starts.iter().copied().zip(ends)
    }
}

/// Splits one CSV record (RFC 4180 quoting, on one line) into `out`.
pub(crate) fn split_csv(
    line: &str,
    out: &mut Vec<String>,
) -> std::result::Result<(), &'static str> {
    out.clear();
    let mut field = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    let mut at_start = true;
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    field.push('"');
                    chars.next();
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
        } else if c == ',' {
            out.push(std::mem::take(&mut field));
            at_start = true;
            continue;
        } else if c == '"' && at_start {
            quoted = true;
        } else {
            field.push(c);
        }
        at_start = false;
    }
    if quoted {
        return Err("unterminated quoted field");
    }
    out.push(field);
    Ok(())
}

/// FiNER-ORD: rebuilds each document (tokens joined by single spaces, sentences too), runs
/// the pipeline, tags each token with the first predicted PERSON/LOC/ORG mention that overlaps
/// it (`B-` on the mention's first tagged token, `I-` after) and compares the entities of each
/// sentence's tag sequence, exact type, first and last token, as seqeval does.
pub fn finer_ord(path: &Path, pipeline: &Pipeline) -> Result<Report> {
    let finer = read_finer(path)?;
    let docs = finer
        .iter()
        .map(|f| {
            let id = format!("{}#{}", f.origin.source, f.key);
            Document::new(id, f.text.as_str(), f.origin.clone(), TextFormat::Plain)
        })
        .collect();
    let (docs, failures) = run_all(pipeline, docs);
    let per_doc: Vec<[Counts; 3]> = docs
        .par_iter()
        .zip(&finer)
        .map(|(doc, f)| {
            let predicted = project(doc, &f.tokens);
            let mut gold_chunks = Vec::new();
            let mut pred_chunks = Vec::new();
            for (start, end) in f.sentences() {
                chunk_into(&f.gold[start..end], start, &mut gold_chunks);
                chunk_into(&predicted[start..end], start, &mut pred_chunks);
            }
            let mut c = [Counts::default(); 3];
            match_typed(&FINER_TYPES, &mut gold_chunks, &mut pred_chunks, &mut c);
            c
        })
        .collect();
    let mut counts = [Counts::default(); 3];
    for c in per_doc {
        for (a, b) in counts.iter_mut().zip(c) {
            *a += b;
        }
    }
    let mut report = Report::empty(crate::eval::Format::FinerOrd, docs.len(), failures);
    report.entities = Some(FINER_TYPES.iter().copied().zip(counts).collect());
    Ok(report)
}

/// Reads a FiNER-ORD CSV: rows of one `doc_idx` in a row make a document, rows of one
/// `sent_idx` in a row a sentence.
fn read_finer(path: &Path) -> Result<Vec<FinerDoc>> {
    let content = read_text(path)?;
    let mut lines = content.lines().enumerate();
    let mut fields = Vec::new();
    let Some((_, header)) = lines.next() else {
        return Err(invalid(path, 1, "empty file (expected a header)"));
    };
    split_csv(header.trim_end_matches('\r'), &mut fields).map_err(|e| invalid(path, 1, e))?;
    let [label_col, token_col, doc_col, sent_col] = columns(
        path,
        &fields,
        ["gold_label", "gold_token", "doc_idx", "sent_idx"],
    )?;
    let width = fields.len();
    let source = path.display().to_string();

    let mut docs: Vec<FinerDoc> = Vec::new();
    for (i, line) in lines {
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            continue;
        }
        split_csv(line, &mut fields).map_err(|e| invalid(path, i + 1, e))?;
        if fields.len() != width {
            return Err(invalid(
                path,
                i + 1,
                format!("{} fields, expected {width}", fields.len()),
            ));
        }
        let tag = finer_tag(&fields[label_col]).ok_or_else(|| {
            invalid(
                path,
                i + 1,
                format!("gold_label {:?} (expected 0 to 6)", fields[label_col]),
            )
        })?;
        let (key, sentence) = (&fields[doc_col], &fields[sent_col]);
        let doc = match docs.last_mut() {
            Some(doc) if doc.key == *key => doc,
            _ => {
                docs.push(FinerDoc {
                    key: key.clone(),
                    origin: Origin {
                        source: source.clone(),
                        line: Some(i + 1),
                    },
                    text: String::new(),
                    tokens: Vec::new(),
                    gold: Vec::new(),
                    sentence_starts: Vec::new(),
                    last_sentence: String::new(),
                });
                docs.last_mut().expect("just pushed")
            }
        };
        if doc.sentence_starts.is_empty() || doc.last_sentence != *sentence {
            doc.sentence_starts.push(doc.tokens.len());
            doc.last_sentence.clone_from(sentence);
        }
        if !doc.text.is_empty() {
            doc.text.push(' ');
        }
        let start = doc.text.len();
        doc.text.push_str(&fields[token_col]);
        doc.tokens.push(Span::new(start, doc.text.len()));
        doc.gold.push(tag);
    }
    Ok(docs)
}

/// Chunks of one sentence's tags as `(type, (first token, end token))` in document tokens.
fn chunk_into(
    tags: &[Bio<&'static str>],
    offset: usize,
    out: &mut Vec<(&'static str, (usize, usize))>,
) {
    let mut found = Vec::new();
    chunks(tags, &mut found);
    out.extend(
        found
            .into_iter()
            .map(|(t, s, e)| (t, (offset + s, offset + e))),
    );
}

/// Tags each token with the first predicted mention of a scored type that overlaps it.
fn project(doc: &Document, tokens: &[Span]) -> Vec<Bio<&'static str>> {
    let mut tags = vec![Bio::O; tokens.len()];
    let mut mentions: Vec<(Span, &'static str)> = doc
        .entities
        .iter()
        .filter_map(|e| finer_type(e.kind).map(|t| (e.span, t)))
        .collect();
    mentions.sort_by_key(|m| m.0);
    for (span, kind) in mentions {
        let first = tokens.partition_point(|t| t.end <= span.start);
        let mut begun = false;
        for k in first..tokens.len() {
            if tokens[k].start >= span.end {
                break;
            }
            if tags[k] == Bio::O {
                tags[k] = if begun { Bio::I(kind) } else { Bio::B(kind) };
                begun = true;
            }
        }
    }
    tags
}

/// One record of the sentence-splitting format.
#[derive(Debug, Deserialize)]
struct SplitCase {
    text: String,
    sentences: Vec<String>,
}

/// Sentences: each record's `text` split by the segmenter's splitter, compared with its
/// `sentences`, which must occur in the text in order. Boundaries match when start and end do.
pub fn sentences(path: &Path) -> Result<Report> {
    let content = read_text(path)?;
    let source = path.display().to_string();
    let mut cases = Vec::new();
    for (i, line) in content.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let location = format!("{source}:{}", i + 1);
        let case: SplitCase = serde_json::from_str(line).map_err(|source| Error::Json {
            location: location.clone(),
            source,
        })?;
        let mut gold = Vec::with_capacity(case.sentences.len());
        let mut cursor = 0;
        for (k, s) in case.sentences.iter().enumerate() {
            let start = case.text[cursor..]
                .find(s.as_str())
                .map(|at| cursor + at)
                .ok_or_else(|| {
                    invalid(
                        path,
                        i + 1,
                        format!("sentence {k} ({s:?}) not found in the text in order"),
                    )
                })?;
            cursor = start + s.len();
            gold.push((start, cursor));
        }
        cases.push((case.text, gold));
    }

    let results: Vec<(Counts, bool)> = cases
        .par_iter()
        .map(|(text, gold)| {
            let mut spans = Vec::new();
            crate::segment::sentences::split(text, &mut spans);
            let exact = spans.len() == gold.len()
                && spans
                    .iter()
                    .zip(gold)
                    .all(|(p, &(s, e))| p.of(text) == &text[s..e]);
            let mut pred: Vec<(usize, usize)> = spans.iter().map(|s| (s.start, s.end)).collect();
            (match_exact(&mut gold.clone(), &mut pred), exact)
        })
        .collect();
    let mut boundaries = Counts::default();
    let mut exact = Accuracy::default();
    for (c, e) in results {
        boundaries += c;
        exact.add(e);
    }
    let mut report = Report::empty(crate::eval::Format::Sentences, cases.len(), Vec::new());
    report.sentences = Some(boundaries);
    report.exact_splits = Some(exact);
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phrasebank_line_is_scored_by_its_sentence() {
        use crate::document::{Sentence, Sentiment};
        let sentiment = |label| Sentiment {
            label,
            score: 0.5,
            probs: None,
        };
        let sentence = |start, end, label| Sentence {
            span: Span::new(start, end),
            section: 0,
            sentiment: Some(sentiment(label)),
            claim: None,
            entities: Vec::new(),
        };
        // One sentence: its own label, not the article's (whose rule tips toward polar
        // labels, a reading meant for many sentences).
        let mut doc = Document::from_text("a", "Sales were flat. Margins rose.");
        doc.sentiment = Some(sentiment(Polarity::Positive));
        doc.sentences = vec![sentence(0, 30, Polarity::Neutral)];
        assert_eq!(line_label(&doc), Some(Polarity::Neutral));
        // Cut into two: the article's label over both.
        doc.sentences = vec![
            sentence(0, 16, Polarity::Neutral),
            sentence(17, 30, Polarity::Positive),
        ];
        assert_eq!(line_label(&doc), Some(Polarity::Positive));
        doc.sentiment = None;
        assert_eq!(line_label(&doc), None);
    }

    #[test]
    fn csv_fields_with_quotes() {
        let mut out = Vec::new();
        split_csv(r#"0,",",3,4"#, &mut out).unwrap();
        assert_eq!(out, vec!["0", ",", "3", "4"]);
        split_csv(r#"0,"""",0,4"#, &mut out).unwrap();
        assert_eq!(out, vec!["0", "\"", "0", "4"]);
        split_csv("a,,b", &mut out).unwrap();
        assert_eq!(out, vec!["a", "", "b"]);
        assert!(split_csv(r#"0,"open"#, &mut out).is_err());
    }

    #[test]
    fn finer_labels_map_to_bio() {
        assert_eq!(finer_tag("0"), Some(Bio::O));
        assert_eq!(finer_tag("1"), Some(Bio::B("PER")));
        assert_eq!(finer_tag("4"), Some(Bio::I("LOC")));
        assert_eq!(finer_tag("5"), Some(Bio::B("ORG")));
        assert_eq!(finer_tag("6"), Some(Bio::I("ORG")));
        assert_eq!(finer_tag("7"), None);
    }

    #[test]
    fn predicted_mentions_project_onto_tokens() {
        // "Acme Corp hired Jane Roe in Oslo ."
        let text = "Acme Corp hired Jane Roe in Oslo .";
        let mut tokens = Vec::new();
        let mut at = 0;
        for t in text.split(' ') {
            tokens.push(Span::new(at, at + t.len()));
            at += t.len() + 1;
        }
        let mut doc = Document::from_text("t", text);
        let entity = |s, e, kind| crate::document::Entity {
            span: Span::new(s, e),
            kind,
            id: None,
            name: None,
        };
        doc.entities = vec![
            entity(0, 9, EntityType::Org),
            // Covers part of a token: the whole token is tagged.
            entity(16, 19, EntityType::Person),
            entity(28, 32, EntityType::Loc),
            // Not a FiNER-ORD type.
            entity(33, 34, EntityType::Money),
        ];
        use Bio::*;
        assert_eq!(
            project(&doc, &tokens),
            vec![B("ORG"), I("ORG"), O, B("PER"), O, O, B("LOC"), O]
        );
    }
}
