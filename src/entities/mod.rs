//! Entities: `Document.text` + `Document.sentences` -> `Document.entities` (and each
//! sentence's `entities`, the indexes of the mentions inside it).
//!
//! ```text
//! "Meta Platforms (NASDAQ: META) rose 12% to $628 on Wednesday, July 1, 2026."
//!  ORG META         ORG     TICKER    PERCENT MONEY  DATE
//!  (id META)        (no id) (id META)
//! ```
//!
//! Mentions are found only inside sentences (never in heading lines), come out sorted by
//! start, and never overlap or nest. Four kinds of rule propose candidates:
//!
//! - [`names`]: the gazetteer (companies, units, products, organizations, places, people),
//!   matched case-sensitively on whole words with one automaton; a name that is also a common
//!   word ("Apple", "Target") needs context, see [`gazetteer::Ambiguity`];
//! - [`tickers`]: symbols as written: `(NASDAQ: NVDA)`, `(META)` after the company's name,
//!   `$TSLA`, wire codes `(AAPL.O)`, `(VOD.L)`;
//! - [`patterns`]: MONEY, PERCENT and DATE expressions;
//! - [`rules`]: PERSON after titles and given names, ORG for capitalized names with a legal
//!   suffix ("Acme Widgets Inc.").
//!
//! Overlaps are resolved per sentence: a blocker ("S&P 500") hides every name it touches;
//! a MONEY, PERCENT or DATE that cuts through a name or ticker is dropped (one that holds a
//! whole name may win: "US$40 million" over the place "US"); then the longest candidate wins
//! ("Microsoft Azure" over "Microsoft", "Henry Ford" over "Ford"), and on a tie a listed name
//! beats a ticker, a ticker a rule, a rule a pattern.
//!
//! Companies link to their ticker (`id`) and canonical name (`name`): a unit or product links
//! to its listed parent (AWS -> `AMZN`), a former name to today's ticker (Facebook -> `META`).

pub mod gazetteer;
pub mod names;
pub mod ner;
pub mod patterns;
pub mod rules;
pub mod tickers;

use crate::document::{Document, Entity, EntityType, Span};
use crate::error::Result;
use crate::pipeline::Stage;
use gazetteer::{Ambiguity, CompanyId, Gazetteer};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

/// Settings of the entity stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// PERSON from titles ("Chief Executive Tim Cook"), given names ("Jane Doe") and later
    /// surname-only mentions; listed people are found either way.
    pub person_rules: bool,
    /// ORG for unlisted capitalized names that end in a legal suffix ("Acme Widgets Inc.").
    pub org_rules: bool,
    /// DATE for weekdays and relative dates: "Monday", "last week", "next year",
    /// "this quarter", "yesterday", "tomorrow".
    pub relative_dates: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            person_rules: true,
            org_rules: true,
            relative_dates: true,
        }
    }
}

/// The entity stage: gazetteer automaton, ticker forms, value patterns and rules, all built
/// once in [`Entities::new`] and shared by every worker.
pub struct Entities {
    config: Config,
    gazetteer: &'static Gazetteer,
    names: names::Names,
    tickers: tickers::Tickers,
    patterns: patterns::Patterns,
    rules: rules::Rules,
}

/// The canonical name of the company with this id (`"META"` -> `"Meta Platforms, Inc."`),
/// from the embedded gazetteer; `None` for ids it does not list.
pub fn company_name(id: &str) -> Option<&'static str> {
    Gazetteer::embedded().ok()?.canonical_name(id)
}

/// What a mention links to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Link {
    None,
    /// A company of the gazetteer.
    Company(CompanyId),
    /// A symbol written with its exchange or as a wire code that the gazetteer does not list:
    /// the symbol itself is the id.
    Symbol(String),
}

/// Which rule proposed a candidate; on a tie in length the higher one wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Source {
    Pattern,
    Rule,
    Ticker,
    Name,
    Blocker,
}

/// A proposed mention.
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    /// What becomes the entity's span.
    pub span: Span,
    /// What it occupies when overlaps are resolved: the span plus any text that belongs to
    /// the expression but not to the mention (the `(NASDAQ: ` before a symbol).
    pub claim: Span,
    pub kind: EntityType,
    pub link: Link,
    pub source: Source,
    pub ambiguity: Ambiguity,
    /// Local evidence for an ambiguous name: a legal suffix or a ticker right after it.
    pub supported: bool,
    /// The name opens its sentence, where capitalization says nothing.
    pub sentence_start: bool,
}

impl Candidate {
    pub(crate) fn new(span: Span, kind: EntityType, source: Source) -> Self {
        Candidate {
            span,
            claim: span,
            kind,
            link: Link::None,
            source,
            ambiguity: Ambiguity::Clear,
            supported: false,
            sentence_start: false,
        }
    }
}

/// Byte offset of the first letter or digit of a sentence (after quotes, brackets, bullets).
fn first_word(text: &str) -> usize {
    text.char_indices()
        .find(|(_, c)| c.is_alphanumeric())
        .map_or(text.len(), |(i, _)| i)
}

impl Entities {
    pub fn new(config: &Config) -> Result<Self> {
        let gazetteer = Gazetteer::embedded()?;
        Ok(Entities {
            config: config.clone(),
            gazetteer,
            names: names::Names::new(gazetteer)?,
            tickers: tickers::Tickers::new(),
            patterns: patterns::Patterns::new(config.relative_dates),
            rules: rules::Rules::new(),
        })
    }

    /// The gazetteer the stage links against.
    pub fn gazetteer(&self) -> &'static Gazetteer {
        self.gazetteer
    }

    /// The canonical name of the company with this id.
    pub fn canonical_name(&self, id: &str) -> Option<&'static str> {
        self.gazetteer.canonical_name(id)
    }

    /// Every mention inside the given sentence spans of `text`, sorted by start. The spans
    /// must be sorted and must not overlap.
    pub fn find(&self, text: &str, sentences: &[Span]) -> Vec<Entity> {
        let g = self.gazetteer;
        let mut cands: Vec<Candidate> = Vec::new();
        // Candidates of sentence i are cands[bounds[i]..bounds[i + 1]].
        let mut bounds = Vec::with_capacity(sentences.len() + 1);
        bounds.push(0);
        let mut found = Vec::new();
        for &sentence in sentences {
            let s = sentence.of(text);
            let off = sentence.start;
            let start = cands.len();
            self.names.find(g, s, off, off + first_word(s), &mut cands);
            let names_end = cands.len();
            let (before, after) = cands.split_at_mut(names_end);
            let names = &mut before[start..];
            found.clear();
            self.tickers.find(g, &self.names, s, off, names, &mut found);
            debug_assert!(after.is_empty());
            cands.append(&mut found);
            self.patterns.find(s, off, &mut cands);
            if self.config.person_rules {
                self.rules.persons(g, s, off, &mut cands);
            }
            if self.config.org_rules {
                self.rules.orgs(s, off, &mut cands);
            }
            bounds.push(cands.len());
        }

        // Names inside a blocker are no mentions; what is left says which companies the
        // article clearly names.
        for w in bounds.windows(2) {
            drop_blocked(&mut cands[w[0]..w[1]]);
        }
        let supported: HashSet<CompanyId> = cands
            .iter()
            .filter(|c| {
                c.kind != EntityType::Person && matches!(c.source, Source::Name | Source::Ticker)
            })
            .filter(|c| match c.ambiguity {
                Ambiguity::Clear => true,
                Ambiguity::Word => !c.sentence_start || c.supported,
                Ambiguity::Risky => c.supported,
            })
            .filter_map(|c| match c.link {
                Link::Company(id) => Some(id),
                _ => None,
            })
            .collect();

        let mut entities = Vec::new();
        let mut kept = Vec::new();
        for (i, w) in bounds.windows(2).enumerate() {
            let s = sentences[i].of(text);
            let mut cue: Option<bool> = None;
            kept.clear();
            for c in &cands[w[0]..w[1]] {
                if c.source == Source::Blocker && c.claim.is_empty() {
                    continue; // dropped above
                }
                let needs_context = match c.ambiguity {
                    Ambiguity::Clear => false,
                    Ambiguity::Word => c.sentence_start,
                    Ambiguity::Risky => true,
                };
                if needs_context && !c.supported {
                    let linked = matches!(c.link, Link::Company(id) if supported.contains(&id));
                    if !linked && !*cue.get_or_insert_with(|| self.names.has_cue(s)) {
                        continue;
                    }
                }
                kept.push(c.clone());
            }
            resolve(&mut kept);
            link_orgs_to_tickers(text, &mut kept);
            entities.extend(kept.drain(..).map(|c| self.entity(text, c)));
        }
        if self.config.person_rules {
            self.rules.surnames(text, sentences, &mut entities);
        }
        entities.sort_by_key(|e| e.span);
        entities
    }

    fn entity(&self, text: &str, c: Candidate) -> Entity {
        let (id, name) = match c.link {
            Link::None => (None, None),
            Link::Company(id) => {
                let company = self.gazetteer.company(id);
                (Some(company.ticker.clone()), Some(company.name.clone()))
            }
            Link::Symbol(symbol) => {
                let name = (c.kind == EntityType::Org).then(|| c.span.of(text).to_string());
                (Some(symbol), name)
            }
        };
        Entity {
            span: c.span,
            kind: c.kind,
            id,
            name,
        }
    }
}

/// Marks every name that overlaps a blocker as dropped (an empty claim), then the blockers
/// themselves stay to hold their place during resolution.
fn drop_blocked(cands: &mut [Candidate]) {
    let mut blockers: Vec<Span> = cands
        .iter()
        .filter(|c| c.source == Source::Blocker)
        .map(|c| c.claim)
        .collect();
    if blockers.is_empty() {
        return;
    }
    blockers.sort_unstable();
    for c in cands.iter_mut() {
        let from = blockers.partition_point(|b| b.start + LONGEST_CLAIM < c.claim.start);
        let blocked = blockers[from..]
            .iter()
            .take_while(|b| b.start < c.claim.end)
            .any(|b| b.overlaps(c.claim));
        if c.source != Source::Blocker && blocked {
            c.source = Source::Blocker;
            c.claim = Span::new(c.claim.start, c.claim.start);
        }
    }
}

/// No listed name or blocker is longer than this many bytes.
pub(crate) const LONGEST_NAME: usize = 128;
/// Nor is a name with its legal suffix or a bracketed ticker longer than this, which bounds
/// the search for overlaps.
const LONGEST_CLAIM: usize = 2 * LONGEST_NAME;

/// Keeps a set of non-overlapping candidates, sorted by start: the longest claim first (a
/// listed name before a rule or a pattern of the same length), after dropping every MONEY,
/// PERCENT or DATE that cuts through a name or ticker; the blockers go at the end.
pub(crate) fn resolve(cands: &mut Vec<Candidate>) {
    let mut names: Vec<Span> = cands
        .iter()
        .filter(|c| matches!(c.source, Source::Name | Source::Ticker))
        .map(|c| c.claim)
        .collect();
    if !names.is_empty() {
        names.sort_unstable();
        cands.retain(|c| c.source != Source::Pattern || !crosses_any(&names, c.claim));
    }
    cands.sort_by(|a, b| {
        b.claim
            .len()
            .cmp(&a.claim.len())
            .then(b.source.cmp(&a.source))
            .then(a.claim.start.cmp(&b.claim.start))
    });
    let mut taken: BTreeMap<usize, usize> = BTreeMap::new();
    cands.retain(|c| {
        let free = taken
            .range(..c.claim.end)
            .next_back()
            .is_none_or(|(_, &end)| end <= c.claim.start);
        if free {
            taken.insert(c.claim.start, c.claim.end);
        }
        free
    });
    cands.retain(|c| c.source != Source::Blocker);
    cands.sort_by_key(|c| c.span.start);
}

/// Whether `span` partly overlaps one of the (sorted) `names` without containing it or lying
/// inside it. Names are short, so only those starting shortly before `span` are looked at.
fn crosses_any(names: &[Span], span: Span) -> bool {
    let from = names.partition_point(|n| n.start + LONGEST_CLAIM < span.start);
    names[from..]
        .iter()
        .take_while(|n| n.start < span.end)
        .any(|n| {
            (n.start < span.start && span.start < n.end && n.end < span.end)
                || (span.start < n.start && n.start < span.end && span.end < n.end)
        })
}

/// "Acme Widgets Inc. (NASDAQ: ACMW)": an unlinked ORG right before a linked ticker takes the
/// ticker's link, across a bracket and an exchange prefix. `cands` is sorted by start.
fn link_orgs_to_tickers(text: &str, cands: &mut [Candidate]) {
    for i in 0..cands.len() {
        if cands[i].kind != EntityType::Org || cands[i].link != Link::None {
            continue;
        }
        let end = cands[i].claim.end;
        let ticker = cands[i + 1..]
            .iter()
            .take(2)
            .find(|t| t.kind == EntityType::Ticker && t.link != Link::None && t.claim.start >= end)
            .filter(|t| bracket_or_exchange(&text[end..t.claim.start]));
        if let Some(t) = ticker {
            cands[i].link = t.link.clone();
        }
    }
}

/// Whether the text between a name and its ticker is only a bracket and an exchange prefix:
/// " (", " <", " (NASDAQ: ".
fn bracket_or_exchange(gap: &str) -> bool {
    let rest = gap.trim_start_matches(|c: char| c.is_whitespace() || c == '(' || c == '<');
    let Some(prefix) = rest.trim_end().strip_suffix(':') else {
        return rest.is_empty();
    };
    let prefix = prefix.trim_end();
    !prefix.is_empty()
        && prefix.len() <= 20
        && prefix
            .chars()
            .all(|c| c.is_ascii_alphabetic() || c == ' ' || c == '-')
}

impl Stage for Entities {
    fn name(&self) -> &'static str {
        "entities"
    }

    fn apply(&self, doc: &mut Document) -> Result<()> {
        let spans: Vec<Span> = doc.sentences.iter().map(|s| s.span).collect();
        doc.entities = self.find(&doc.text, &spans);
        doc.link_sentences_to_entities();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cand(start: usize, end: usize, source: Source) -> Candidate {
        Candidate::new(Span::new(start, end), EntityType::Org, source)
    }

    #[test]
    fn longest_wins_and_ties_go_to_names() {
        let mut c = vec![
            cand(0, 6, Source::Name),
            cand(0, 19, Source::Name),
            cand(20, 25, Source::Rule),
            cand(20, 25, Source::Name),
        ];
        resolve(&mut c);
        let got: Vec<_> = c
            .iter()
            .map(|c| (c.span.start, c.span.end, c.source))
            .collect();
        assert_eq!(got, vec![(0, 19, Source::Name), (20, 25, Source::Name)]);
    }

    #[test]
    fn patterns_never_cut_through_names() {
        let mut c = vec![
            cand(0, 10, Source::Pattern),
            cand(8, 12, Source::Name),
            cand(20, 22, Source::Pattern),
        ];
        resolve(&mut c);
        let got: Vec<_> = c.iter().map(|c| (c.span.start, c.source)).collect();
        assert_eq!(got, vec![(8, Source::Name), (20, Source::Pattern)]);
    }

    #[test]
    fn a_value_may_hold_a_name() {
        // "US$40 million" holds the place name "US".
        let mut c = vec![cand(0, 2, Source::Name), cand(0, 13, Source::Pattern)];
        resolve(&mut c);
        assert_eq!((c.len(), c[0].source), (1, Source::Pattern));
    }

    #[test]
    fn blockers_hide_what_they_cover() {
        let mut c = vec![
            cand(0, 6, Source::Name),
            cand(0, 16, Source::Blocker),
            cand(17, 20, Source::Name),
        ];
        drop_blocked(&mut c);
        resolve(&mut c);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].span.start, 17);
    }

    #[test]
    fn gaps_between_a_name_and_its_ticker() {
        assert!(bracket_or_exchange(" ("));
        assert!(bracket_or_exchange(" (NASDAQ: "));
        assert!(bracket_or_exchange(" <"));
        assert!(!bracket_or_exchange(" and "));
        assert!(!bracket_or_exchange(", said "));
    }

    #[test]
    fn first_word_skips_quotes_and_bullets() {
        assert_eq!(first_word("\u{201c}Apple said"), 3);
        assert_eq!(first_word("- Apple"), 2);
        assert_eq!(first_word("Apple"), 0);
    }
}
