//! Training data: published sentiment sets -> labeled sentences, and a stratified split.
//!
//! ```text
//! fpb/train.tsv            "Sales rose 5% .\tpositive\t100"    -> ("Sales rose 5% .", Positive, Some(100))
//! semeval2017t5/*.json     {"title": .., "sentiment": 0.34}     -> (title, Positive, None)
//! fiqa/task1_headline_*    {"sentence": .., "info": [{"sentiment_score": "-0.37"}]} -> Negative
//! corpus gold JSON Lines   {"text": .., "sentences": [{"start", "end", "sentiment"}]}
//! ```
//!
//! Headline scores in `[-1, 1]` become labels by [`score_label`]: above +0.15 positive, below
//! -0.15 negative, neutral between.

use crate::document::Polarity;
use crate::encoder::SplitMix64;
use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::path::Path;

/// One labeled sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub text: String,
    pub label: Polarity,
    /// Financial PhraseBank's annotator agreement (50, 66, 75 or 100); `None` elsewhere.
    pub agree: Option<u8>,
}

/// The class index of each label in the model's head.
pub const LABELS: [Polarity; 3] = [Polarity::Positive, Polarity::Negative, Polarity::Neutral];

/// The head's class index of a label.
pub fn label_index(p: Polarity) -> u32 {
    LABELS.iter().position(|&l| l == p).unwrap_or(2) as u32
}

fn parse_label(s: &str) -> Option<Polarity> {
    Polarity::ALL.into_iter().find(|p| p.as_str() == s.trim())
}

/// A headline score in `[-1, 1]` as a label.
pub fn score_label(score: f64) -> Polarity {
    if score > 0.15 {
        Polarity::Positive
    } else if score < -0.15 {
        Polarity::Negative
    } else {
        Polarity::Neutral
    }
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })
}

fn bad(path: &Path, message: String) -> Error {
    Error::Model {
        what: path.display().to_string(),
        message,
    }
}

fn parse_json(path: &Path, text: &str) -> Result<serde_json::Value> {
    serde_json::from_str(text).map_err(|source| Error::Json {
        location: path.display().to_string(),
        source,
    })
}

/// Financial PhraseBank TSV -> its labeled sentences.
pub fn load_phrasebank(path: &Path) -> Result<Vec<Example>> {
    Ok(read_phrasebank(path)?.into_iter().map(|(_, e)| e).collect())
}

/// Financial PhraseBank TSV with a header naming a `text` and a `label` column and,
/// optionally, `agree` -> each line's number (1-based) and labeled sentence. Blank lines are
/// skipped; a malformed line is an error naming `FILE:LINE`.
///
/// ```text
/// text\tlabel\tagree
/// Sales rose 5% .\tpositive\t100    -> (2, Example { "Sales rose 5% .", Positive, Some(100) })
/// ```
pub fn read_phrasebank(path: &Path) -> Result<Vec<(usize, Example)>> {
    let content = read(path)?;
    let invalid = |line: usize, message: String| {
        Error::Invalid(format!("{}:{line}: {message}", path.display()))
    };
    let mut lines = content.lines().enumerate();
    let Some((_, header)) = lines.next() else {
        return Err(invalid(
            1,
            "empty file (expected a header `text\tlabel\tagree`)".into(),
        ));
    };
    let header: Vec<&str> = header
        .trim_end_matches('\r')
        .split('\t')
        .map(str::trim)
        .collect();
    let column = |name: &str| header.iter().position(|h| *h == name);
    let (Some(text_col), Some(label_col)) = (column("text"), column("label")) else {
        return Err(invalid(
            1,
            "header has no `text` and `label` columns (expected text, label, agree)".into(),
        ));
    };
    let agree_col = column("agree");
    let mut out = Vec::new();
    for (i, line) in lines {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() != header.len() {
            return Err(invalid(
                i + 1,
                format!(
                    "{} tab-separated fields, expected {}",
                    fields.len(),
                    header.len()
                ),
            ));
        }
        let label = parse_label(fields[label_col]).ok_or_else(|| {
            invalid(
                i + 1,
                format!(
                    "label {:?} (expected positive, negative or neutral)",
                    fields[label_col]
                ),
            )
        })?;
        let agree = match agree_col {
            Some(c) => Some(fields[c].trim().parse::<u8>().map_err(|_| {
                invalid(
                    i + 1,
                    format!("agreement {:?} is not a whole percentage", fields[c]),
                )
            })?),
            None => None,
        };
        out.push((
            i + 1,
            Example {
                text: fields[text_col].to_string(),
                label,
                agree,
            },
        ));
    }
    Ok(out)
}

/// SemEval-2017 task 5 headlines: a JSON array of `{"title", "sentiment"}`.
pub fn load_semeval(path: &Path) -> Result<Vec<Example>> {
    let value = parse_json(path, &read(path)?)?;
    let items = value
        .as_array()
        .ok_or_else(|| bad(path, "expected a JSON array".into()))?;
    let mut out = Vec::new();
    for item in items {
        let (Some(title), Some(score)) = (item["title"].as_str(), item["sentiment"].as_f64())
        else {
            continue;
        };
        out.push(Example {
            text: title.to_string(),
            label: score_label(score),
            agree: None,
        });
    }
    Ok(out)
}

/// FiQA 2018 task 1 headlines: `{"id": {"sentence", "info": [{"sentiment_score"}]}}`; a
/// headline with several targets takes the mean of their scores.
pub fn load_fiqa(path: &Path) -> Result<Vec<Example>> {
    let value = parse_json(path, &read(path)?)?;
    let items = value
        .as_object()
        .ok_or_else(|| bad(path, "expected a JSON object".into()))?;
    let mut out = Vec::new();
    for item in items.values() {
        let Some(text) = item["sentence"].as_str() else {
            continue;
        };
        let scores: Vec<f64> = item["info"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|i| match &i["sentiment_score"] {
                serde_json::Value::String(s) => s.trim().parse().ok(),
                v => v.as_f64(),
            })
            .collect();
        if scores.is_empty() {
            continue;
        }
        let mean = scores.iter().sum::<f64>() / scores.len() as f64;
        out.push(Example {
            text: text.to_string(),
            label: score_label(mean),
            agree: None,
        });
    }
    Ok(out)
}

/// Sentences of labeled articles in the gold format (`start`/`end` in code points).
pub fn load_gold(path: &Path) -> Result<Vec<Example>> {
    let text = read(path)?;
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let record = parse_json(path, line)?;
        let Some(body) = record["text"].as_str() else {
            continue;
        };
        let chars: Vec<char> = body.chars().collect();
        for s in record["sentences"].as_array().into_iter().flatten() {
            let (Some(start), Some(end), Some(label)) = (
                s["start"].as_u64(),
                s["end"].as_u64(),
                s["sentiment"].as_str().and_then(parse_label),
            ) else {
                continue;
            };
            let (start, end) = (start as usize, (end as usize).min(chars.len()));
            if start >= end {
                continue;
            }
            let sentence: String = chars[start..end].iter().collect();
            // Line breaks inside a sentence are layout, not content.
            let sentence = sentence.split_whitespace().collect::<Vec<_>>().join(" ");
            out.push(Example {
                text: sentence,
                label,
                agree: None,
            });
        }
    }
    Ok(out)
}

/// Splits `examples` into (train, validation), holding out `fraction` of every
/// (label, agreement) group, chosen by `seed` (see [`stratified_indices`]).
pub fn stratified_split(
    examples: Vec<Example>,
    fraction: f64,
    seed: u64,
) -> (Vec<Example>, Vec<Example>) {
    let keys: Vec<_> = examples
        .iter()
        .map(|e| split_key(e.label, e.agree))
        .collect();
    let (train, valid) = stratified_indices(&keys, fraction, seed);
    let mut slots: Vec<Option<Example>> = examples.into_iter().map(Some).collect();
    let mut take = |indices: Vec<usize>| -> Vec<Example> {
        indices
            .into_iter()
            .filter_map(|i| slots[i].take())
            .collect()
    };
    (take(train), take(valid))
}

/// The group an example is held out from: its label and its agreement level.
pub fn split_key(label: Polarity, agree: Option<u8>) -> (u32, Option<u8>) {
    (label_index(label), agree)
}

/// The positions of (train, validation) examples, given each example's [`split_key`]:
/// every group, in the order of its key, is shuffled by `seed` and its first `fraction`
/// held out. `finnews eval --held-out` calls it to score the very sentences the trainer held
/// out.
pub fn stratified_indices(
    keys: &[(u32, Option<u8>)],
    fraction: f64,
    seed: u64,
) -> (Vec<usize>, Vec<usize>) {
    let mut groups: BTreeMap<(u32, Option<u8>), Vec<usize>> = BTreeMap::new();
    for (i, &key) in keys.iter().enumerate() {
        groups.entry(key).or_default().push(i);
    }
    let mut rng = SplitMix64::new(seed);
    let (mut train, mut valid) = (Vec::new(), Vec::new());
    for (_, mut group) in groups {
        rng.shuffle(&mut group);
        let n = (group.len() as f64 * fraction).round() as usize;
        valid.extend_from_slice(&group[..n]);
        train.extend_from_slice(&group[n..]);
    }
    (train, valid)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(text: &str, label: Polarity, agree: u8) -> Example {
        Example {
            text: text.into(),
            label,
            agree: Some(agree),
        }
    }

    #[test]
    fn scores_become_labels() {
        assert_eq!(score_label(0.4), Polarity::Positive);
        assert_eq!(score_label(-0.2), Polarity::Negative);
        assert_eq!(score_label(0.05), Polarity::Neutral);
    }

    #[test]
    fn split_is_stratified_and_reproducible() {
        let mut all = Vec::new();
        for i in 0..100 {
            all.push(ex(&format!("p{i}"), Polarity::Positive, 100));
        }
        for i in 0..40 {
            all.push(ex(&format!("n{i}"), Polarity::Negative, 50));
        }
        let (train, valid) = stratified_split(all.clone(), 0.15, 3);
        assert_eq!(valid.len(), 15 + 6);
        assert_eq!(train.len(), 140 - 21);
        assert_eq!(
            valid
                .iter()
                .filter(|e| e.label == Polarity::Negative)
                .count(),
            6
        );
        assert_eq!(stratified_split(all, 0.15, 3).1, valid);
    }

    #[test]
    fn split_by_indices_matches_shuffling_the_examples_themselves() {
        // The split as the shipped model's trainer made it: each group's examples shuffled
        // in place. Splitting by positions must pick the same sentences in the same order,
        // or a retrain would no longer reproduce the model.
        let all: Vec<Example> = (0..300)
            .map(|i| {
                let label = [Polarity::Positive, Polarity::Negative, Polarity::Neutral][i % 3];
                ex(&format!("s{i}"), label, [50, 66, 75, 100][i % 4])
            })
            .collect();
        let mut groups: BTreeMap<(u32, Option<u8>), Vec<Example>> = BTreeMap::new();
        for e in all.clone() {
            groups
                .entry(split_key(e.label, e.agree))
                .or_default()
                .push(e);
        }
        let mut rng = SplitMix64::new(2014);
        let (mut train, mut valid) = (Vec::new(), Vec::new());
        for (_, mut group) in groups {
            rng.shuffle(&mut group);
            let n = (group.len() as f64 * 0.15).round() as usize;
            train.extend(group.split_off(n));
            valid.extend(group);
        }
        assert_eq!(stratified_split(all, 0.15, 2014), (train, valid));
    }

    #[test]
    fn phrasebank_lines_parse() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("t.tsv");
        std::fs::write(
            &path,
            "text\tlabel\tagree\nProfit doubled .\tpositive\t75\n\nCosts rose .\tnegative\t100\r\n",
        )?;
        assert_eq!(
            read_phrasebank(&path)?,
            vec![
                (2, ex("Profit doubled .", Polarity::Positive, 75)),
                (4, ex("Costs rose .", Polarity::Negative, 100)),
            ]
        );
        // Columns are found by name; `agree` may be missing.
        std::fs::write(&path, "label\ttext\nneutral\tIt has 30 staff .\n")?;
        let got = load_phrasebank(&path)?;
        assert_eq!((got[0].label, got[0].agree), (Polarity::Neutral, None));
        assert_eq!(got[0].text, "It has 30 staff .");
        // A bad line names its place.
        for bad in [
            "text\tlabel\tagree\nOk .\tneutral\t50\nUp .\tupbeat\t100\n",
            "text\tlabel\tagree\nOk .\tneutral\t50\nUp .\tpositive\tmost\n",
            "text\tlabel\tagree\nOk .\tneutral\t50\nUp .\tpositive\n",
        ] {
            std::fs::write(&path, bad)?;
            let err = read_phrasebank(&path).unwrap_err().to_string();
            assert!(err.contains("t.tsv:3"), "{err}");
        }
        Ok(())
    }
}
