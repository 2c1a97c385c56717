//! Claims: `Document.sentences` (with their sentiment) -> each sentence's `claim`: the role it
//! plays for an investor (catalyst, risk, watch item or none), a confidence, and whether it is
//! hedged.
//!
//! ```
//! use finnews::claims::{Config, Cues};
//! use finnews::document::{ClaimLabel, Document, Sentence, Span};
//! use finnews::Stage;
//!
//! let text = "Investors will watch whether the merger wins approval next month.";
//! let mut doc = Document::from_text("a", text);
//! doc.sentences.push(Sentence { span: Span::new(0, text.len()), section: 0,
//!                               sentiment: None, claim: None, entities: vec![] });
//! Cues::new(&Config::default())?.apply(&mut doc)?;
//! assert_eq!(doc.sentences[0].claim.unwrap().label, ClaimLabel::WatchItem);
//! # Ok::<(), finnews::Error>(())
//! ```
//!
//! The cues are data: `models/lexicon/cues.tsv` (ours) lists weighted catalyst, risk,
//! watch-item and analyst-line phrases, cause connectors, price-move words and hedges; the
//! Loughran-McDonald uncertainty and weak-modal lists (`models/lexicon/lm_*.txt`) add hedge
//! words. All are matched word by word, longest phrase first, with the tokenizer of
//! [`crate::sentiment::words`].
//!
//! The rules follow the annotation guide (`labels.md`), in this order:
//!
//! 1. **Cue sums.** Each cue adds its weight to catalyst, risk, watch or none. A cue inside a
//!    concessive clause ("although ...", "while ..." opening the sentence) or before a "but"
//!    counts half: the main clause decides. Right after a negator ("no deal", "did not win
//!    approval") a catalyst cue counts as risk and a risk cue not at all.
//!    After a watch cue ("investors will watch whether ..."), catalyst and risk cues name what
//!    is to be monitored and count half too.
//! 2. **Analyst lines.** A rating or price-target line, or an outlook merely reaffirmed, is
//!    none: its none cues raise the none score.
//! 3. **Moves with a cause.** A price or figure move ("rallied", "fell") with a cause
//!    ("following reports", "driven by", "fell 2% as ...", or any catalyst or risk cue) is a
//!    catalyst when it is good news and a risk when bad: the sentence's sentiment says which
//!    ("costs rose" is bad), else the direction of the main clause's first move. A share-price
//!    move with no cause is none.
//! 4. **Results with a driver, against expectations, outlooks.** A cause connector or a
//!    result marker ("now expects", "previously", "estimates") in a sentence of clear
//!    sentiment supports catalyst (positive) or risk (negative): "revenue grew, driven by
//!    cloud demand"; "now expects $5 a share, up from $4.50 previously". Bare figures have
//!    neither and stay none.
//! 5. **Sentiment as support.** Where any catalyst or risk cue is present, the sentence's
//!    sentiment margin (positive minus negative probability) adds to catalyst or to risk.
//! 6. **Rivals.** Where the sentence names listed companies and all of them are rivals of the
//!    article's main company (the most mentioned one), or opens with "Rival ...", its catalyst
//!    is that company's risk.
//!
//! **Label and score.** The label is the largest of the catalyst, risk and watch sums and the
//! none score ([`Config::threshold`] plus none cues); ties go to none. The score is that
//! label's share of a softmax over the four, with [`Config::sharpness`].
//!
//! **Hedging** (reported apart, never changing the label): an LM uncertainty or weak-modal
//! word ("could", "may", "uncertain"), a weak modal we add ("potentially"), a reporting phrase
//! ("reportedly", "people familiar with", "is said to"), or a conditional ("if", "unless").
//! LM words that only approximate a number ("nearly 12%") or name a topic ("risks") are not
//! hedges, nor is the month "May".

pub mod model;

use crate::document::{Claim, ClaimLabel, Document, Entity, Polarity, Sentence, Sentiment};
use crate::error::{Error, Result};
use crate::pipeline::Stage;
use crate::sentiment::words::{Phrases, TokenKind, Tokens, Vocab};
use serde::{Deserialize, Serialize};

/// A rival named within this many words of the sentence start is its subject: "Rival X
/// launched ...".
const RIVAL_SUBJECT_WORDS: usize = 3;

/// A watch cue at least this heavy frames the rest of the sentence as what to monitor.
const STRONG_WATCH: f32 = 1.5;

/// Our claim cues (format: see the file's header).
pub const CUES: &str = include_str!("../../models/lexicon/cues.tsv");
/// Loughran-McDonald uncertainty words, one a line.
pub const LM_UNCERTAINTY: &str = include_str!("../../models/lexicon/lm_uncertainty.txt");
/// Loughran-McDonald weak-modal words, one a line.
pub const LM_WEAK_MODAL: &str = include_str!("../../models/lexicon/lm_weak_modal.txt");

/// Settings of the claim stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// Cue weight a role needs to beat none.
    pub threshold: f32,
    /// How much the sentiment margin adds to a catalyst or risk that has a cue.
    pub sentiment_weight: f32,
    /// What a cause connector adds in a sentence of clear sentiment.
    pub cause_weight: f32,
    /// What a move with a cause adds to its side.
    pub move_weight: f32,
    /// How steeply scores turn into the confidence.
    pub sharpness: f32,
    /// Words after a negator that it reaches.
    pub negation_window: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            threshold: 0.9,
            sentiment_weight: 0.6,
            cause_weight: 1.0,
            move_weight: 1.5,
            sharpness: 2.0,
            negation_window: 2,
        }
    }
}

/// Why a sentence counts as hedged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Hedge {
    /// An uncertainty word ("uncertain", "believes", "pending").
    Uncertainty,
    /// A weak modal ("could", "may", "might", "potentially").
    WeakModal,
    /// Reporting or hearsay ("reportedly", "sources said", "is said to").
    Reporting,
    /// A condition ("if", "unless").
    Conditional,
}

/// What one cue phrase means.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Kind {
    #[default]
    Plain,
    Catalyst,
    Risk,
    Watch,
    NoneCue,
    Cause,
    /// A cause only after a move: "fell 2% as demand slowed".
    MoveCause,
    /// A result or outlook against a baseline: "now expects", "previously".
    Result,
    Rival,
    Up,
    Down,
    Asset,
    Not,
    But,
    Although,
    While,
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Cue {
    kind: Kind,
    weight: f32,
}

/// The evidence for each role in one sentence, before the label is chosen.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Scores {
    pub catalyst: f32,
    pub risk: f32,
    pub watch_item: f32,
    /// The none score: the threshold plus analyst-line cues.
    pub none: f32,
    pub hedge: Option<Hedge>,
}

/// A cue found in a sentence, with where it stands.
#[derive(Debug, Clone, Copy)]
struct Found {
    cue: Cue,
    /// Index of the last "but" seen before it (`usize::MAX` for none).
    buts_before: usize,
    conceding: bool,
    negated: bool,
    /// After a watch cue: part of what is to be monitored.
    monitored: bool,
    /// Words before it in the sentence.
    word: usize,
}

/// Buffers reused from sentence to sentence.
#[derive(Debug, Default)]
pub struct Scratch {
    tokens: Tokens,
    found: Vec<Found>,
}

/// The cue-based claim stage: lists built once in [`Cues::new`], then read-only.
#[derive(Debug)]
pub struct Cues {
    config: Config,
    vocab: Vocab,
    cues: Phrases<Cue>,
    hedges: Phrases<Option<Hedge>>,
}

impl Cues {
    /// Builds the stage from the embedded lists.
    pub fn new(config: &Config) -> Result<Self> {
        Cues::from_lists(config, CUES, LM_UNCERTAINTY, LM_WEAK_MODAL)
    }

    /// Builds the stage from lists given as text: `cues` in the format of
    /// `models/lexicon/cues.tsv`, `uncertainty` and `weak_modal` one word a line.
    pub fn from_lists(
        config: &Config,
        cues: &str,
        uncertainty: &str,
        weak_modal: &str,
    ) -> Result<Self> {
        let mut vocab = Vocab::default();
        let mut cue_table = Phrases::builder();
        let mut hedge_table = Phrases::builder();
        for (list, hedge) in [
            (uncertainty, Hedge::Uncertainty),
            (weak_modal, Hedge::WeakModal),
        ] {
            for word in list.lines().map(str::trim).filter(|w| !w.is_empty()) {
                hedge_table.add(&mut vocab, word, Some(hedge), |old, new| *old = new);
            }
        }
        for (n, line) in cues.lines().enumerate() {
            let line = line.trim_end();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let bad = |message: String| Error::Model {
                what: "claim cues".into(),
                message: format!("line {}: {message}", n + 1),
            };
            let mut cols = line.split('\t');
            let (kind, phrase) = match (cols.next(), cols.next()) {
                (Some(k), Some(p)) if !p.trim().is_empty() => (k, p.trim()),
                _ => return Err(bad(format!("expected KIND<TAB>PHRASE, got {line:?}"))),
            };
            let weight = match cols.next() {
                Some(w) => w
                    .trim()
                    .parse::<f32>()
                    .map_err(|e| bad(format!("weight {w:?}: {e}")))?,
                None => 0.0,
            };
            let hedge = match kind {
                "modal" => Some(Some(Hedge::WeakModal)),
                "report" => Some(Some(Hedge::Reporting)),
                "cond" => Some(Some(Hedge::Conditional)),
                "nohedge" => Some(None),
                _ => None,
            };
            let added = if let Some(h) = hedge {
                hedge_table.add(&mut vocab, phrase, h, |old, new| *old = new)
            } else {
                let kind = match kind {
                    "catalyst" => Kind::Catalyst,
                    "risk" => Kind::Risk,
                    "watch" => Kind::Watch,
                    "none" => Kind::NoneCue,
                    "cause" => Kind::Cause,
                    "movecause" => Kind::MoveCause,
                    "result" => Kind::Result,
                    "rival" => Kind::Rival,
                    "up" => Kind::Up,
                    "down" => Kind::Down,
                    "asset" => Kind::Asset,
                    "not" => Kind::Not,
                    "but" => Kind::But,
                    "although" => Kind::Although,
                    "while" => Kind::While,
                    "plain" => Kind::Plain,
                    other => return Err(bad(format!("unknown kind {other:?}"))),
                };
                let weighted = matches!(
                    kind,
                    Kind::Catalyst | Kind::Risk | Kind::Watch | Kind::NoneCue | Kind::Rival
                );
                if weighted && weight <= 0.0 {
                    return Err(bad(format!("{phrase:?} needs a positive weight")));
                }
                cue_table.add(&mut vocab, phrase, Cue { kind, weight }, |old, new| {
                    *old = new
                })
            };
            if !added {
                return Err(bad(format!("phrase {phrase:?} has no words")));
            }
        }
        let cues = cue_table.build(&vocab);
        let hedges = hedge_table.build(&vocab);
        Ok(Cues {
            config: config.clone(),
            vocab,
            cues,
            hedges,
        })
    }

    /// The claim of one sentence, given its sentiment where known.
    pub fn classify(&self, sentence: &str, sentiment: Option<&Sentiment>) -> Claim {
        self.classify_with(sentence, sentiment, false, &mut Scratch::default())
    }

    /// The claim of one sentence with reused buffers; `rivals_only` when the sentence names
    /// listed companies and none of them is the article's main company.
    pub fn classify_with(
        &self,
        sentence: &str,
        sentiment: Option<&Sentiment>,
        rivals_only: bool,
        scratch: &mut Scratch,
    ) -> Claim {
        let s = self.scores(sentence, sentiment, rivals_only, scratch);
        self.decide(&s)
    }

    /// The evidence for each role (rules 1-6 of the module docs).
    pub fn scores(
        &self,
        sentence: &str,
        sentiment: Option<&Sentiment>,
        rivals_only: bool,
        scratch: &mut Scratch,
    ) -> Scores {
        scratch.tokens.tokenize(sentence);
        scratch.tokens.lookup(&self.vocab);
        let hedge = self.hedge_in(&scratch.tokens);
        self.find_cues(scratch);

        let c = &self.config;
        let mut s = Scores {
            none: c.threshold,
            hedge,
            ..Scores::default()
        };
        let last_but = scratch
            .found
            .iter()
            .filter(|f| f.cue.kind == Kind::But)
            .map(|f| f.buts_before)
            .max();
        let (mut cause, mut result, mut asset, mut cued, mut rival_subject) =
            (false, false, false, false, false);
        // The first move of the main clause, else the first move: true when up.
        let (mut main_move, mut any_move) = (None, None);
        for f in &scratch.found {
            let mut w = f.cue.weight;
            // Rule 1: the main clause decides.
            let subordinate = f.conceding || last_but.is_some_and(|b| f.buts_before < b);
            if subordinate {
                w *= 0.5;
            }
            if f.monitored && matches!(f.cue.kind, Kind::Catalyst | Kind::Risk) {
                w *= 0.5;
            }
            match (f.cue.kind, f.negated) {
                (Kind::Catalyst, false) => s.catalyst += w,
                (Kind::Catalyst, true) => s.risk += w,
                (Kind::Risk, false) => s.risk += w,
                (Kind::Risk, true) => {}
                (Kind::Rival, _) => {
                    s.risk += w;
                    rival_subject |= f.word < RIVAL_SUBJECT_WORDS;
                }
                (Kind::Watch, _) => s.watch_item += w,
                (Kind::NoneCue, _) => s.none += w,
                (Kind::Cause, _) => cause = true,
                (Kind::MoveCause, _) => cause |= any_move.is_some(),
                (Kind::Result, _) => result = true,
                (Kind::Up | Kind::Down, _) => {
                    let up = f.cue.kind == Kind::Up;
                    any_move = any_move.or(Some(up));
                    if !subordinate {
                        main_move = main_move.or(Some(up));
                    }
                }
                (Kind::Asset, _) => asset = true,
                _ => {}
            }
            cued |= matches!(f.cue.kind, Kind::Catalyst | Kind::Risk);
        }
        let (pos, neg) = match sentiment.and_then(|x| x.probs) {
            Some(p) => (p.positive, p.negative),
            None => match sentiment.map(|x| x.label) {
                Some(Polarity::Positive) => (1.0, 0.0),
                Some(Polarity::Negative) => (0.0, 1.0),
                _ => (0.0, 0.0),
            },
        };
        let polar = sentiment
            .map(|x| x.label)
            .filter(|&l| l != Polarity::Neutral);
        // Rule 3: moves with a cause. The sentiment knows which way a move is good news
        // ("costs rose" is bad); without it, the verb's direction decides.
        if let Some(up) = main_move.or(any_move) {
            if cause || cued {
                let good = match polar {
                    Some(p) => p == Polarity::Positive,
                    None => up,
                };
                if good {
                    s.catalyst += c.move_weight;
                } else {
                    s.risk += c.move_weight;
                }
            } else if asset {
                // A share-price move reported without its cause.
                s.none += c.move_weight;
            }
        } else if cause || result {
            // Rule 4: results with a driver, results against expectations, outlooks.
            match polar {
                Some(Polarity::Positive) => s.catalyst += c.cause_weight,
                Some(Polarity::Negative) => s.risk += c.cause_weight,
                _ => {}
            }
        }
        // Rule 5: sentiment as support.
        if s.catalyst > 0.0 || s.risk > 0.0 {
            let margin = pos - neg;
            if margin > 0.0 {
                s.catalyst += c.sentiment_weight * margin;
            } else {
                s.risk -= c.sentiment_weight * margin;
            }
        }
        // Rule 6: a rival's good news.
        if (rivals_only || rival_subject) && s.catalyst > s.risk {
            s.risk = s.catalyst;
            s.catalyst = 0.0;
        }
        s
    }

    /// Scores -> label and confidence.
    pub fn decide(&self, s: &Scores) -> Claim {
        let all = [
            (ClaimLabel::None, s.none),
            (ClaimLabel::WatchItem, s.watch_item),
            (ClaimLabel::Risk, s.risk),
            (ClaimLabel::Catalyst, s.catalyst),
        ];
        let mut best = all[0];
        for &(label, x) in &all[1..] {
            if x > best.1 {
                best = (label, x);
            }
        }
        let k = self.config.sharpness;
        let z: f32 = all.iter().map(|&(_, x)| (k * (x - best.1)).exp()).sum();
        Claim {
            label: best.0,
            score: 1.0 / z,
            hedged: s.hedge.is_some(),
        }
    }

    /// The first hedge in the sentence, if any.
    pub fn hedge(&self, sentence: &str) -> Option<Hedge> {
        let mut tokens = Tokens::default();
        tokens.tokenize(sentence);
        tokens.lookup(&self.vocab);
        self.hedge_in(&tokens)
    }

    fn hedge_in(&self, tokens: &Tokens) -> Option<Hedge> {
        let ids = tokens.ids();
        let mut i = 0;
        while i < ids.len() {
            match self.hedges.longest(ids, i) {
                Some((_, Some(h))) => return Some(*h),
                Some((len, None)) => i += len,
                None => i += 1,
            }
        }
        None
    }

    /// Collects the sentence's cues with their clause and negation state.
    fn find_cues(&self, scratch: &mut Scratch) {
        scratch.found.clear();
        let ids = scratch.tokens.ids();
        let toks = scratch.tokens.tokens();
        let (mut buts, mut conceding, mut seen_word, mut monitoring) = (0, false, false, false);
        let mut neg_left: usize = 0;
        let mut words = 0;
        let mut i = 0;
        while i < toks.len() {
            if toks[i].kind != TokenKind::Word {
                if matches!(toks[i].kind, TokenKind::Pause | TokenKind::Break) {
                    conceding = false;
                    neg_left = 0;
                }
                i += 1;
                continue;
            }
            let (len, cue) = match self.cues.longest(ids, i) {
                Some((len, cue)) => (len, *cue),
                None => (1, Cue::default()),
            };
            let negated = neg_left > 0;
            neg_left = neg_left.saturating_sub(1);
            match cue.kind {
                Kind::Not => neg_left = self.config.negation_window,
                Kind::But => {
                    buts += 1;
                    conceding = false;
                    neg_left = 0;
                }
                Kind::Although => conceding = true,
                Kind::While if !seen_word => conceding = true,
                _ => {}
            }
            if cue.kind != Kind::Plain {
                scratch.found.push(Found {
                    cue,
                    buts_before: buts,
                    conceding,
                    negated,
                    monitored: monitoring,
                    word: words,
                });
            }
            monitoring |= cue.kind == Kind::Watch && cue.weight >= STRONG_WATCH;
            seen_word = true;
            words += len;
            i += len;
        }
    }
}

/// The article's main company: the id linked most often, the first mentioned on a tie.
pub fn main_company(entities: &[Entity]) -> Option<&str> {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for id in entities.iter().filter_map(|e| e.id.as_deref()) {
        match counts.iter_mut().find(|(x, _)| *x == id) {
            Some((_, n)) => *n += 1,
            None => counts.push((id, 1)),
        }
    }
    let mut best: Option<(&str, usize)> = None;
    for (id, n) in counts {
        if best.is_none_or(|(_, m)| n > m) {
            best = Some((id, n));
        }
    }
    best.map(|(id, _)| id)
}

/// Whether the sentence names listed companies, none of them `main`.
pub fn rivals_only(sentence: &Sentence, entities: &[Entity], main: Option<&str>) -> bool {
    let Some(main) = main else { return false };
    let mut any = false;
    for id in sentence
        .entities
        .iter()
        .filter_map(|&e| entities.get(e)?.id.as_deref())
    {
        if id == main {
            return false;
        }
        any = true;
    }
    any
}

impl Stage for Cues {
    fn name(&self) -> &'static str {
        "claims"
    }

    fn apply(&self, doc: &mut Document) -> Result<()> {
        let mut scratch = Scratch::default();
        let Document {
            text,
            sentences,
            entities,
            ..
        } = doc;
        let main = main_company(entities);
        for s in sentences.iter_mut() {
            let rivals = rivals_only(s, entities, main);
            let claim =
                self.classify_with(s.span.of(text), s.sentiment.as_ref(), rivals, &mut scratch);
            s.claim = Some(claim);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{EntityType, Probs, Span};

    fn cues() -> Cues {
        Cues::new(&Config::default()).unwrap()
    }

    fn positive() -> Sentiment {
        let probs = Probs {
            positive: 0.8,
            negative: 0.05,
            neutral: 0.15,
        };
        Sentiment {
            label: Polarity::Positive,
            score: 0.8,
            probs: Some(probs),
        }
    }

    fn negative() -> Sentiment {
        let probs = Probs {
            positive: 0.05,
            negative: 0.8,
            neutral: 0.15,
        };
        Sentiment {
            label: Polarity::Negative,
            score: 0.8,
            probs: Some(probs),
        }
    }

    fn label(text: &str, sentiment: Option<Sentiment>) -> ClaimLabel {
        cues().classify(text, sentiment.as_ref()).label
    }

    #[test]
    fn embedded_lists_parse() {
        let c = cues();
        assert!(c.cues.len() > 300);
        assert!(c.hedges.len() > 300);
    }

    #[test]
    fn bad_cue_lines_are_errors() {
        let c = Config::default();
        assert!(Cues::from_lists(&c, "risk\tlawsuit", "", "").is_err());
        assert!(Cues::from_lists(&c, "hazard\tlawsuit\t1", "", "").is_err());
        assert!(Cues::from_lists(&c, "risk\tlawsuit\tbig", "", "").is_err());
        assert!(Cues::from_lists(&c, "# note\nrisk\tlawsuit\t1.5\ncause\tafter", "", "").is_ok());
    }

    #[test]
    fn cue_sums_pick_the_role() {
        assert_eq!(
            label("The firm faces a patent lawsuit.", None),
            ClaimLabel::Risk
        );
        assert_eq!(
            label("The firm announced a partnership.", None),
            ClaimLabel::Catalyst
        );
        assert_eq!(
            label("The board will decide next month.", None),
            ClaimLabel::WatchItem
        );
        assert_eq!(label("The firm is based in Ohio.", None), ClaimLabel::None);
    }

    #[test]
    fn concession_halves_its_clause() {
        // The main clause's risk outweighs the conceded partnership.
        let l = label(
            "Although the partnership helps, the firm lacks scale.",
            None,
        );
        assert_eq!(l, ClaimLabel::Risk);
    }

    #[test]
    fn negated_catalyst_is_a_risk() {
        assert_eq!(
            label("The regulator did not grant approval.", None),
            ClaimLabel::Risk
        );
        assert_eq!(label("There was no deal.", None), ClaimLabel::Risk);
    }

    #[test]
    fn analyst_line_is_none() {
        let l = label(
            "Analysts raised their price target to $80.",
            Some(positive()),
        );
        assert_eq!(l, ClaimLabel::None);
    }

    #[test]
    fn move_with_and_without_cause() {
        let with = "Shares jumped 8% after the company won a defense contract.";
        assert_eq!(label(with, Some(positive())), ClaimLabel::Catalyst);
        let down = "Shares fell 6% following the recall.";
        assert_eq!(label(down, Some(negative())), ClaimLabel::Risk);
        let bare = "Shares jumped 8% on Tuesday to close at $44.";
        assert_eq!(label(bare, Some(positive())), ClaimLabel::None);
    }

    #[test]
    fn results_with_a_driver() {
        let s = "Revenue grew 14%, driven by demand for its data-center chips.";
        assert_eq!(label(s, Some(positive())), ClaimLabel::Catalyst);
        assert_eq!(
            label("Revenue grew 14% to $3 billion.", Some(positive())),
            ClaimLabel::None
        );
    }

    #[test]
    fn rival_rule_turns_catalyst_to_risk() {
        let c = cues();
        let mut sc = Scratch::default();
        let s = "Zenrock unveiled a cheaper chip.";
        let own = c.classify_with(s, None, false, &mut sc);
        let rival = c.classify_with(s, None, true, &mut sc);
        assert_eq!(own.label, ClaimLabel::Catalyst);
        assert_eq!(rival.label, ClaimLabel::Risk);
    }

    #[test]
    fn a_sentence_opening_with_rival_is_about_a_rival() {
        let c = cues();
        let mut sc = Scratch::default();
        let rival = c.classify_with("Rival Zenrock unveiled a chip.", None, false, &mut sc);
        assert_eq!(rival.label, ClaimLabel::Risk);
        // Rivals named later are what the company competes against, not the subject.
        let own = "Acme unveiled a chip that its rivals cannot match yet.";
        assert_eq!(
            c.classify_with(own, None, false, &mut sc).label,
            ClaimLabel::Catalyst
        );
    }

    #[test]
    fn move_direction_comes_from_sentiment_then_the_main_verb() {
        let c = cues();
        let mut sc = Scratch::default();
        let costs = "Expenses climbed 7% as the bank kept hiring.";
        let got = c.classify_with(costs, Some(&negative()), false, &mut sc);
        assert_eq!(got.label, ClaimLabel::Risk);
        let s = "Shares fell 6% after the company delayed shipments of advanced parts.";
        assert_eq!(
            c.classify_with(s, None, false, &mut sc).label,
            ClaimLabel::Risk
        );
    }

    #[test]
    fn results_against_expectations_follow_sentiment() {
        let s = "The company now expects earnings of $7 a share, up from $6 previously.";
        assert_eq!(label(s, Some(positive())), ClaimLabel::Catalyst);
        let s = "The company now expects earnings of $5 a share, down from $6 previously.";
        assert_eq!(label(s, Some(negative())), ClaimLabel::Risk);
        let s = "The company now expects earnings of $6 a share.";
        assert_eq!(label(s, None), ClaimLabel::None);
    }

    #[test]
    fn main_company_is_most_mentioned_then_first() {
        let e = |id: Option<&str>| Entity {
            span: Span::new(0, 1),
            kind: EntityType::Org,
            id: id.map(str::to_string),
            name: None,
        };
        let ents = [
            e(Some("B")),
            e(None),
            e(Some("A")),
            e(Some("A")),
            e(Some("B")),
        ];
        assert_eq!(main_company(&ents), Some("B"));
        assert_eq!(main_company(&ents[1..4]), Some("A"));
        assert_eq!(main_company(&[]), None);
    }

    #[test]
    fn hedges_by_kind() {
        let c = cues();
        assert_eq!(c.hedge("Demand could slow."), Some(Hedge::WeakModal));
        assert_eq!(
            c.hedge("The outcome remains unclear."),
            Some(Hedge::Uncertainty)
        );
        assert_eq!(
            c.hedge("The firm is reportedly in talks."),
            Some(Hedge::Reporting)
        );
        assert_eq!(
            c.hedge("Margins improve if prices hold."),
            Some(Hedge::Conditional)
        );
        assert_eq!(c.hedge("Revenue rose 4%."), None);
    }

    #[test]
    fn numbers_topics_and_months_are_not_hedges() {
        let c = cues();
        assert_eq!(
            c.hedge("Shares rose nearly 12% to approximately $50."),
            None
        );
        assert_eq!(c.hedge("The filing lists several risks."), None);
        assert_eq!(c.hedge("The plant opened in May 2024."), None);
        assert_eq!(c.hedge("Sales may slow."), Some(Hedge::WeakModal));
    }

    #[test]
    fn score_is_a_probability() {
        let c = cues();
        for s in [
            "",
            "The firm faces a lawsuit.",
            "The board will decide soon.",
        ] {
            let claim = c.classify(s, None);
            assert!(
                claim.score > 0.25 && claim.score <= 1.0,
                "{s}: {}",
                claim.score
            );
        }
    }
}
