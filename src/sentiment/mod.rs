//! Sentiment: `Document.sentences` -> each sentence's `sentiment`, from word lists and a
//! small set of rules.
//!
//! ```
//! use finnews::document::{Document, Polarity, Sentence, Span};
//! use finnews::sentiment::{Config, Lexicon};
//! use finnews::Stage;
//!
//! let mut doc = Document::from_text("a", "Quarterly revenue rose sharply.");
//! doc.sentences.push(Sentence { span: Span::new(0, doc.text.len()), section: 0,
//!                               sentiment: None, claim: None, entities: vec![] });
//! Lexicon::new(&Config::default())?.apply(&mut doc)?;
//! assert_eq!(doc.sentences[0].sentiment.unwrap().label, Polarity::Positive);
//! # Ok::<(), finnews::Error>(())
//! ```
//!
//! The words: the Loughran-McDonald positive and negative lists (`models/lexicon/lm_*.txt`,
//! weight +1 / -1) and our finance news supplement (`models/lexicon/finance.tsv`), which adds
//! news verbs ("rallied", "beat estimates"), silences LM words that are neutral in news
//! ("closed at"), and names the metrics, negators, intensifiers and contrast words below.
//!
//! The rules, applied per sentence in this order:
//!
//! 1. **Phrases.** At each word the longest listed phrase wins ("no longer", "beat estimates").
//! 2. **Direction.** A word that moves a quantity ("rose", "cut", "narrowed", "higher") takes
//!    its sign from the metric it moves: the nearest metric to its right (its object, up to
//!    [`Config::right_window`] words, not past "to"/"by"/"than"/"and" or a clause break), else
//!    to its left (its subject, up to [`Config::left_window`] words). Up x good metric and
//!    down x bad metric score +1 ("profit rose", "cut costs", "losses narrowed"); the other two
//!    -1 ("costs rose", "cut guidance"); a metric with no direction ("prices") scores 0. With no
//!    metric, the word's own default applies ("surged" +1, "higher" 0). The verb's and the
//!    metric's own list weights are then not counted again.
//! 3. **Baseline.** After a move or a number, "from" / "compared with" / "versus" starts the
//!    old value: "up from a loss" is not bad news. Where no word moved the figure, the numbers
//!    on both sides say which way it went, and the metric before them takes that direction:
//!    "EPS was $6.71, against the $6.52 expected" reads as "EPS rose" (years are not amounts).
//! 4. **Intensity.** An intensifier scales the nearest evidence within two words after it, or
//!    else before it ("sharply higher", "rose sharply", "slightly lower").
//! 5. **Negation.** A negator flips and dampens (x [`Config::negation_factor`]) the evidence
//!    in the next [`Config::negation_window`] words of its clause: "did not miss estimates"
//!    is mildly positive, "no longer profitable" negative.
//! 6. **Contrast.** Before the last "but"/"however" evidence weighs x0.5, after it x1.5; a
//!    clause opened by "although"/"despite" (or by "while" at the start of the sentence)
//!    weighs x0.5 and the rest of the sentence, the main clause, x1.5.
//!
//! Window sizes count content words only: numbers, units and determiners ("EUR 5.2 mn",
//! "the", "its") are skipped, so "profit rose to EUR 5.2 mn" and "profit rose" read alike.
//!
//! **Score to label.** The evidence sum `s` becomes probabilities by a softmax over the logits
//! `(k*s, -k*s, k*t)` for (positive, negative, neutral), with `k` = [`Config::sharpness`] and
//! `t` = [`Config::threshold`]. So the label is positive when `s > t`, negative when
//! `s < -t`, neutral otherwise (no evidence gives 0.21 / 0.21 / 0.58 with the defaults); the
//! label's probability is the score.

pub mod words;

use crate::document::{Document, Polarity, Probs, Sentiment};
use crate::error::{Error, Result};
use crate::pipeline::Stage;
use serde::{Deserialize, Serialize};
use words::{Phrases, PhrasesBuilder, TokenKind, Tokens, Vocab};

/// The most units any window search looks at, whatever it skips: numbers and filler words do
/// not count towards a window, so without a cap a run of them would make scoring quadratic.
const MAX_SCAN: usize = 48;

/// Loughran-McDonald positive words, one a line.
pub const LM_POSITIVE: &str = include_str!("../../models/lexicon/lm_positive.txt");
/// Loughran-McDonald negative words, one a line.
pub const LM_NEGATIVE: &str = include_str!("../../models/lexicon/lm_negative.txt");
/// Our finance news supplement (format: see the file's header).
pub const FINANCE: &str = include_str!("../../models/lexicon/finance.tsv");

/// Settings of the lexicon stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// Evidence a sentence needs, either way, to be positive or negative.
    pub threshold: f32,
    /// How steeply evidence turns into probability.
    pub sharpness: f32,
    /// Words after a negator that it reaches.
    pub negation_window: usize,
    /// What negated evidence is multiplied by.
    pub negation_factor: f32,
    /// Words to the right of a moving word searched for its metric.
    pub right_window: usize,
    /// Words to the left of a moving word searched for its metric.
    pub left_window: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            threshold: 0.5,
            sharpness: 2.0,
            negation_window: 3,
            negation_factor: -0.74,
            right_window: 4,
            left_window: 8,
        }
    }
}

/// How a word bears on the contrast rule.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Contrast {
    #[default]
    None,
    /// "but": earlier evidence weighs less, later more.
    But,
    /// "although": its clause weighs less.
    Although,
    /// "while": like "although", only at the start of a sentence.
    While,
}

/// Everything the lists say about one word or phrase.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Feature {
    pol: f32,
    /// +1 up, -1 down, 0 not a moving word.
    dir: i8,
    /// Score of a moving word with no metric near it.
    dir_default: f32,
    /// +1 good metric, -1 bad metric, 0 plain quantity; only where `metric`.
    target: i8,
    metric: bool,
    negator: bool,
    /// Intensity factor; 0 when not an intensifier.
    scale: f32,
    contrast: Contrast,
    baseline: bool,
    stop: bool,
    skip: bool,
}

/// One word, phrase, number or break of a sentence, with what the lists say about it.
#[derive(Debug, Clone, Copy)]
struct Unit {
    kind: TokenKind,
    feat: Feature,
    /// First token and number of tokens.
    tok: u32,
    len: u32,
}

impl Unit {
    /// Counted by window sizes.
    fn content(&self) -> bool {
        self.kind == TokenKind::Word && !self.feat.skip
    }
    fn is_break(&self) -> bool {
        matches!(self.kind, TokenKind::Pause | TokenKind::Break)
    }
}

/// Buffers for scoring sentences, reused from one to the next.
#[derive(Debug, Default)]
pub struct Scratch {
    tokens: Tokens,
    units: Vec<Unit>,
    weight: Vec<f32>,
    negated: Vec<bool>,
    ignored: Vec<bool>,
    used: Vec<bool>,
    conceding: Vec<bool>,
    /// At a baseline marker: +1 / -1 when the number before it is larger / smaller.
    compare: Vec<i8>,
    val: Vec<f32>,
}

/// The rule-based sentiment stage: lists built once in [`Lexicon::new`], then read-only.
#[derive(Debug)]
pub struct Lexicon {
    config: Config,
    vocab: Vocab,
    phrases: Phrases<Feature>,
}

impl Lexicon {
    /// Builds the stage from the embedded lists.
    pub fn new(config: &Config) -> Result<Self> {
        Lexicon::from_lists(config, LM_POSITIVE, LM_NEGATIVE, FINANCE)
    }

    /// Builds the stage from lists given as text: `positive` and `negative` one word a line,
    /// `supplement` in the format of `models/lexicon/finance.tsv`.
    pub fn from_lists(
        config: &Config,
        positive: &str,
        negative: &str,
        supplement: &str,
    ) -> Result<Self> {
        let mut vocab = Vocab::default();
        let mut builder: PhrasesBuilder<Feature> = Phrases::builder();
        for (list, pol) in [(positive, 1.0), (negative, -1.0)] {
            for word in list.lines().map(str::trim).filter(|w| !w.is_empty()) {
                let f = Feature {
                    pol,
                    ..Feature::default()
                };
                builder.add(&mut vocab, word, f, |old, _| old.pol += pol);
            }
        }
        for (n, line) in supplement.lines().enumerate() {
            let line = line.trim_end();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let bad = |message: String| Error::Model {
                what: "sentiment supplement".into(),
                message: format!("line {}: {message}", n + 1),
            };
            let mut cols = line.split('\t');
            let (kind, phrase) = match (cols.next(), cols.next()) {
                (Some(k), Some(p)) if !p.trim().is_empty() => (k, p.trim()),
                _ => return Err(bad(format!("expected KIND<TAB>PHRASE, got {line:?}"))),
            };
            let weight = match cols.next() {
                Some(w) => Some(
                    w.trim()
                        .parse::<f32>()
                        .map_err(|e| bad(format!("weight {w:?}: {e}")))?,
                ),
                None => None,
            };
            let need = |w: Option<f32>| w.ok_or_else(|| bad(format!("{kind} needs a weight")));
            let edit: Box<dyn Fn(&mut Feature)> = match kind {
                "pol" => {
                    let w = need(weight)?;
                    Box::new(move |f| f.pol = w)
                }
                "up" | "down" => {
                    let w = need(weight)?;
                    let dir = if kind == "up" { 1 } else { -1 };
                    Box::new(move |f| {
                        f.dir = dir;
                        f.dir_default = w;
                    })
                }
                "good" | "bad" | "plain" => {
                    let t = match kind {
                        "good" => 1,
                        "bad" => -1,
                        _ => 0,
                    };
                    Box::new(move |f| {
                        f.metric = true;
                        f.target = t;
                    })
                }
                "not" => Box::new(|f| f.negator = true),
                "scale" => {
                    let w = need(weight)?;
                    Box::new(move |f| f.scale = w)
                }
                "but" => Box::new(|f| f.contrast = Contrast::But),
                "although" => Box::new(|f| f.contrast = Contrast::Although),
                "while" => Box::new(|f| f.contrast = Contrast::While),
                "from" => Box::new(|f| f.baseline = true),
                "stop" => Box::new(|f| f.stop = true),
                "skip" => Box::new(|f| f.skip = true),
                other => return Err(bad(format!("unknown kind {other:?}"))),
            };
            let mut fresh = Feature::default();
            edit(&mut fresh);
            if !builder.add(&mut vocab, phrase, fresh, |old, _| edit(old)) {
                return Err(bad(format!("phrase {phrase:?} has no words")));
            }
        }
        let phrases = builder.build(&vocab);
        Ok(Lexicon {
            config: config.clone(),
            vocab,
            phrases,
        })
    }

    /// The sentiment of one sentence.
    pub fn score(&self, sentence: &str) -> Sentiment {
        self.score_with(sentence, &mut Scratch::default())
    }

    /// The sentiment of one sentence, with reused buffers.
    pub fn score_with(&self, sentence: &str, scratch: &mut Scratch) -> Sentiment {
        self.judge(self.evidence(sentence, scratch))
    }

    /// The signed evidence sum of one sentence (see the module docs).
    pub fn evidence(&self, sentence: &str, scratch: &mut Scratch) -> f32 {
        self.units(sentence, scratch);
        let n = scratch.units.len();
        for v in [
            &mut scratch.negated,
            &mut scratch.ignored,
            &mut scratch.used,
        ] {
            v.clear();
            v.resize(n, false);
        }
        scratch.weight.clear();
        scratch.weight.resize(n, 1.0);
        scratch.val.clear();
        scratch.val.resize(n, 0.0);
        self.contrast(scratch);
        self.negation(scratch);
        self.baseline(scratch);
        self.direction(scratch);
        let Scratch {
            units,
            ignored,
            used,
            val,
            ..
        } = scratch;
        for k in 0..n {
            let f = units[k].feat;
            if f.dir == 0 && f.pol != 0.0 && !used[k] && !ignored[k] {
                val[k] = f.pol;
            }
        }
        self.intensity(scratch);
        let mut sum = 0.0;
        for k in 0..n {
            let v = scratch.val[k];
            if v != 0.0 {
                let neg = if scratch.negated[k] {
                    self.config.negation_factor
                } else {
                    1.0
                };
                sum += v * scratch.weight[k] * neg;
            }
        }
        sum
    }

    /// The words and phrases of `sentence` that carry evidence, each with what it adds to the
    /// sum after every rule: a way to see why a sentence got its label.
    pub fn explain(&self, sentence: &str) -> Vec<(String, f32)> {
        let mut scratch = Scratch::default();
        self.evidence(sentence, &mut scratch);
        let mut out = Vec::new();
        for (k, u) in scratch.units.iter().enumerate() {
            let v = scratch.val[k];
            if v == 0.0 {
                continue;
            }
            let neg = if scratch.negated[k] {
                self.config.negation_factor
            } else {
                1.0
            };
            let words: Vec<String> = (u.tok..u.tok + u.len)
                .map(|i| String::from_utf8_lossy(scratch.tokens.text(i as usize)).into_owned())
                .collect();
            out.push((words.join(" "), v * scratch.weight[k] * neg));
        }
        out
    }

    /// Turns an evidence sum into a label, score and probabilities.
    pub fn judge(&self, s: f32) -> Sentiment {
        let k = self.config.sharpness;
        let logits = [k * s, -k * s, k * self.config.threshold];
        let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let e = logits.map(|l| (l - max).exp());
        let z: f32 = e.iter().sum();
        let probs = Probs {
            positive: e[0] / z,
            negative: e[1] / z,
            neutral: e[2] / z,
        };
        let (label, score) = if s > self.config.threshold {
            (Polarity::Positive, probs.positive)
        } else if s < -self.config.threshold {
            (Polarity::Negative, probs.negative)
        } else {
            (Polarity::Neutral, probs.neutral)
        };
        Sentiment {
            label,
            score,
            probs: Some(probs),
        }
    }

    /// Tokens -> units: the longest phrase at each word, numbers and breaks as they are.
    fn units(&self, sentence: &str, scratch: &mut Scratch) {
        scratch.tokens.tokenize(sentence);
        scratch.tokens.lookup(&self.vocab);
        scratch.units.clear();
        let ids = scratch.tokens.ids();
        let toks = scratch.tokens.tokens();
        let mut i = 0;
        while i < toks.len() {
            let kind = toks[i].kind;
            let mut len = 1;
            let mut feat = Feature::default();
            if kind == TokenKind::Word
                && let Some((l, f)) = self.phrases.longest(ids, i)
            {
                len = l;
                feat = *f;
            }
            scratch.units.push(Unit {
                kind,
                feat,
                tok: i as u32,
                len: len as u32,
            });
            i += len;
        }
    }

    /// Rule 6: weights from "but" and concessive clauses.
    fn contrast(&self, scratch: &mut Scratch) {
        let units = &scratch.units;
        let w = &mut scratch.weight;
        if let Some(last) = units.iter().rposition(|u| u.feat.contrast == Contrast::But) {
            w[..last].iter_mut().for_each(|x| *x *= 0.5);
            w[last + 1..].iter_mut().for_each(|x| *x *= 1.5);
        }
        let mut conceding = false;
        let mut conceded = false;
        let mut seen_content = false;
        scratch.conceding.clear();
        for u in units {
            if u.is_break() {
                conceding = false;
            }
            match u.feat.contrast {
                Contrast::Although => conceding = true,
                Contrast::While if !seen_content => conceding = true,
                _ => {}
            }
            conceded |= conceding;
            scratch.conceding.push(conceding);
            seen_content |= u.content();
        }
        if conceded {
            for (x, &c) in w.iter_mut().zip(&scratch.conceding) {
                *x *= if c { 0.5 } else { 1.5 };
            }
        }
    }

    /// Rule 5: marks what each negator reaches.
    fn negation(&self, scratch: &mut Scratch) {
        let mut left = 0;
        for (k, u) in scratch.units.iter().enumerate() {
            if u.is_break() || u.feat.contrast != Contrast::None {
                left = 0;
            } else if u.feat.negator {
                left = self.config.negation_window;
            } else if left > 0 && u.content() {
                scratch.negated[k] = true;
                left -= 1;
            }
        }
    }

    /// Rule 3: marks baseline values ("from a loss") as ignored, and compares the numbers on
    /// both sides of a baseline marker where no word says which way a figure moved.
    fn baseline(&self, scratch: &mut Scratch) {
        let n = scratch.units.len();
        scratch.compare.clear();
        scratch.compare.resize(n, 0);
        let mut moved = false;
        let mut last_number: Option<f64> = None;
        let mut ignoring = false;
        // A marker waiting for the number after it: (marker, number before it).
        let mut pending: Option<(usize, f64)> = None;
        for k in 0..n {
            let u = scratch.units[k];
            match u.kind {
                TokenKind::Break => {
                    (moved, last_number, ignoring, pending) = (false, None, false, None);
                    continue;
                }
                TokenKind::Pause => {
                    (ignoring, pending) = (false, None);
                    continue;
                }
                _ => {}
            }
            if ignoring {
                scratch.ignored[k] = true;
            }
            if u.kind == TokenKind::Number
                && let Some(x) = amount(scratch.tokens.text(u.tok as usize))
            {
                if let Some((m, before)) = pending.take() {
                    scratch.compare[m] = match before.partial_cmp(&x) {
                        Some(std::cmp::Ordering::Greater) => 1,
                        Some(std::cmp::Ordering::Less) => -1,
                        _ => 0,
                    };
                }
                last_number = Some(x);
            }
            if !ignoring && u.feat.baseline && (moved || last_number.is_some()) {
                ignoring = true;
                if !moved {
                    pending = last_number.map(|x| (k, x));
                }
            }
            moved |= u.feat.dir != 0;
        }
    }

    /// Rule 2: scores moving words by the metric they move.
    fn direction(&self, scratch: &mut Scratch) {
        let n = scratch.units.len();
        for k in 0..n {
            let f = scratch.units[k].feat;
            // A moving metric ("growth") already taken by an earlier verb is that verb's.
            if f.dir == 0 || scratch.ignored[k] || scratch.used[k] {
                continue;
            }
            scratch.used[k] = true;
            let target = self
                .right_target(&scratch.units, k)
                .or_else(|| self.left_target(&scratch.units, &scratch.ignored, k));
            scratch.val[k] = match target {
                Some(j) => {
                    scratch.used[j] = true;
                    // "sales growth slowed": `growth` scored alone first; the verb takes it.
                    scratch.val[j] = 0.0;
                    (f.dir * scratch.units[j].feat.target) as f32
                }
                None => f.dir_default,
            };
        }
        // "EPS was $6.71, against $6.52 expected": the comparison moves the metric before it.
        for m in 0..n {
            let d = scratch.compare[m];
            if d == 0 {
                continue;
            }
            if let Some(j) = self.left_target(&scratch.units, &scratch.ignored, m) {
                scratch.used[j] = true;
                scratch.val[m] = (d * scratch.units[j].feat.target) as f32;
            }
        }
    }

    /// The metric a moving word at `k` acts on, to its right (its object).
    fn right_target(&self, units: &[Unit], k: usize) -> Option<usize> {
        let mut count = 0;
        for j in (k + 1..units.len()).take(MAX_SCAN) {
            let u = &units[j];
            let f = &u.feat;
            if u.is_break() || f.stop || f.baseline || f.dir != 0 || f.contrast != Contrast::None {
                return None;
            }
            if f.metric {
                // "sales rose and costs fell": `costs` is the subject of the next verb.
                let next = units[j + 1..]
                    .iter()
                    .take(MAX_SCAN)
                    .find(|u| u.content() || u.is_break());
                return match next {
                    Some(v) if v.feat.dir != 0 => None,
                    _ => Some(j),
                };
            }
            if u.content() {
                count += 1;
                if count >= self.config.right_window {
                    return None;
                }
            }
        }
        None
    }

    /// The metric a moving word at `k` acts on, to its left (its subject). Commas may lie
    /// between them ("profit was EUR 5 mn, up from ...").
    fn left_target(&self, units: &[Unit], ignored: &[bool], k: usize) -> Option<usize> {
        let mut count = 0;
        let mut plain = None;
        for j in (0..k).rev().take(MAX_SCAN) {
            let u = &units[j];
            let f = &u.feat;
            if u.kind == TokenKind::Break || f.contrast != Contrast::None {
                break;
            }
            if f.metric && !ignored[j] {
                // "occupancy rate rose": a signed metric behind a plain one is the subject.
                if f.target != 0 {
                    return Some(j);
                }
                plain = plain.or(Some(j));
            }
            if f.dir != 0 {
                break;
            }
            if u.content() {
                count += 1;
                if count >= self.config.left_window {
                    break;
                }
            }
        }
        plain
    }

    /// Rule 4: each intensifier scales the nearest scored unit within two content words.
    fn intensity(&self, scratch: &mut Scratch) {
        let units = &scratch.units;
        let val = &mut scratch.val;
        for k in 0..units.len() {
            let scale = units[k].feat.scale;
            if scale == 0.0 {
                continue;
            }
            let found = nearest(units, val, k + 1..units.len())
                .or_else(|| nearest(units, val, (0..k).rev()));
            if let Some(j) = found {
                val[j] *= scale;
            }
        }
    }
}

/// The value of a number token ("1,250.5" -> 1250.5); `None` for what reads as a year
/// (four digits from 1900 to 2099), which is a date, not an amount.
fn amount(text: &[u8]) -> Option<f64> {
    let mut buf = [0u8; 32];
    let mut len = 0;
    for &b in text {
        match b {
            b'0'..=b'9' | b'.' => {
                *buf.get_mut(len)? = b;
                len += 1;
            }
            b',' => {}
            _ => break,
        }
    }
    let digits = &buf[..len];
    let year =
        len == 4 && text.len() == 4 && (digits.starts_with(b"19") || digits.starts_with(b"20"));
    if year || len == 0 {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// The first unit with a score among `positions`, within two content words and one clause.
fn nearest(units: &[Unit], val: &[f32], positions: impl Iterator<Item = usize>) -> Option<usize> {
    let mut count = 0;
    for j in positions.take(MAX_SCAN) {
        let u = &units[j];
        if u.is_break() {
            return None;
        }
        if val[j] != 0.0 {
            return Some(j);
        }
        if u.content() {
            count += 1;
            if count >= 2 {
                return None;
            }
        }
    }
    None
}

impl Stage for Lexicon {
    fn name(&self) -> &'static str {
        "sentiment"
    }

    fn apply(&self, doc: &mut Document) -> Result<()> {
        let mut scratch = Scratch::default();
        let Document {
            text, sentences, ..
        } = doc;
        for s in sentences.iter_mut() {
            s.sentiment = Some(self.score_with(s.span.of(text), &mut scratch));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lexicon() -> Lexicon {
        Lexicon::new(&Config::default()).unwrap()
    }

    fn ev(text: &str) -> f32 {
        lexicon().evidence(text, &mut Scratch::default())
    }

    fn label(text: &str) -> Polarity {
        lexicon().score(text).label
    }

    #[test]
    fn embedded_lists_parse() {
        let lex = lexicon();
        assert!(lex.phrases.len() > 2500);
    }

    #[test]
    fn bad_supplement_lines_are_errors() {
        let c = Config::default();
        assert!(Lexicon::from_lists(&c, "", "", "pol\tgreat").is_err());
        assert!(Lexicon::from_lists(&c, "", "", "pol\tgreat\tx").is_err());
        assert!(Lexicon::from_lists(&c, "", "", "shiny\tgreat\t1").is_err());
        assert!(Lexicon::from_lists(&c, "", "", "# note\n\npol\tgreat\t1").is_ok());
    }

    #[test]
    fn list_words_score() {
        assert!(ev("The results were strong.") > 0.5);
        assert!(ev("The plant was damaged by fire.") < -0.5);
        assert_eq!(ev("The board meets on Tuesday."), 0.0);
    }

    #[test]
    fn supplement_overrides_lm() {
        // "closed" is LM-negative but neutral in a market report.
        assert_eq!(ev("The stock closed at $41."), 0.0);
    }

    #[test]
    fn direction_takes_the_sign_of_its_metric() {
        assert!(ev("Operating profit rose to EUR 4.1 mn.") > 0.5);
        assert!(ev("Operating costs rose to EUR 4.1 mn.") < -0.5);
        assert!(ev("The firm cut costs.") > 0.5);
        assert!(ev("The firm cut its guidance.") < -0.5);
        assert!(ev("Its net loss narrowed.") > 0.5);
        assert!(ev("Its net loss widened.") < -0.5);
        assert!(ev("Sales were higher.") > 0.5);
    }

    #[test]
    fn direction_without_metric_uses_default() {
        assert!(ev("The index surged.") > 0.5);
        assert_eq!(ev("Prices were higher."), 0.0);
    }

    #[test]
    fn object_of_a_second_verb_is_not_taken() {
        // "rose" must not take `costs`, the subject of "fell".
        assert!(ev("Sales rose and costs fell.") > 1.5);
    }

    #[test]
    fn baseline_is_not_news() {
        assert!(ev("Profit was EUR 3 mn, up from a loss of EUR 1 mn.") > 0.5);
    }

    #[test]
    fn numbers_compared_across_a_baseline() {
        assert!(ev("Earnings per share were $6.71, against $6.52 expected.") > 0.5);
        assert!(
            ev("Operating profit was EUR 1.6 mn in 2005 compared to EUR 5.9 mn in 2004.") < -0.5
        );
        assert!(ev("Operating costs were $4 million versus $3 million.") < -0.5);
        assert_eq!(ev("The index was 1,200 versus 1,200."), 0.0);
    }

    #[test]
    fn amounts_and_years() {
        assert_eq!(amount(b"1,250.5"), Some(1250.5));
        assert_eq!(amount(b"7"), Some(7.0));
        assert_eq!(amount(b"2026"), None);
        assert_eq!(amount(b"3rd"), Some(3.0));
        assert_eq!(amount(b"123456789012345678901234567890123456"), None);
    }

    #[test]
    fn intensifiers_scale() {
        let plain = ev("Revenue rose.");
        assert!(ev("Revenue rose sharply.") > plain);
        assert!(ev("Revenue rose slightly.") < plain);
        assert!(ev("Revenue was significantly higher.") > plain);
    }

    #[test]
    fn negation_flips() {
        assert!(ev("The company did not miss estimates.") > 0.0);
        assert!(ev("The unit is no longer profitable.") < 0.0);
        assert!(ev("It did not increase sales.") < 0.0);
    }

    #[test]
    fn negation_stops_at_a_clause_break() {
        assert!(ev("Not surprisingly, profit rose.") > 0.5);
    }

    #[test]
    fn but_weighs_the_last_clause() {
        assert_eq!(
            label("Revenue rose, but the loss widened sharply."),
            Polarity::Negative
        );
        assert_eq!(
            label("The loss widened, but revenue rose strongly."),
            Polarity::Positive
        );
    }

    #[test]
    fn concessive_clause_weighs_less() {
        assert_eq!(
            label("Although costs rose, profit rose strongly."),
            Polarity::Positive
        );
        assert_eq!(
            label("While orders rose, the loss widened."),
            Polarity::Negative
        );
    }

    #[test]
    fn probabilities_sum_to_one_and_match_label() {
        let lex = lexicon();
        for s in [-3.0, -0.6, 0.0, 0.4, 2.0] {
            let j = lex.judge(s);
            let p = j.probs.unwrap();
            assert!((p.positive + p.negative + p.neutral - 1.0).abs() < 1e-5);
            let best = [p.positive, p.negative, p.neutral]
                .into_iter()
                .fold(0.0, f32::max);
            assert_eq!(j.score, best);
        }
        assert_eq!(lex.judge(0.0).label, Polarity::Neutral);
    }

    #[test]
    fn empty_and_odd_input() {
        assert_eq!(label(""), Polarity::Neutral);
        assert_eq!(label(",,, ;;"), Polarity::Neutral);
        assert_eq!(label("not"), Polarity::Neutral);
    }
}
