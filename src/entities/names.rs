//! Listed names: sentence text -> candidates for every gazetteer name in it.
//!
//! ```text
//! "Meta's cloud rivals are Amazon Web Services and Microsoft Azure."
//!  Meta (ORG META)          Amazon Web Services (ORG AMZN)  Microsoft Azure (PRODUCT MSFT)
//! ```
//!
//! One Aho-Corasick automaton holds every surface form. Matching is case-sensitive ("apple"
//! never matches) and on whole words: a name must not start or end inside a word, so a
//! possessive stays outside ("Meta's" -> "Meta"). Every match is reported, overlapping ones
//! included, and the longest one wins later ("Microsoft Azure" over "Microsoft"). An ORG
//! name takes a legal suffix that follows it ("Target Corp.", "Meta Platforms, Inc."), which
//! is also evidence for a name that is a common word.

use super::gazetteer::{Gazetteer, Referent};
use super::{Candidate, Link, Source};
use crate::document::{EntityType, Span};
use crate::error::{Error, Result};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::Regex;
use std::collections::HashSet;

/// Words that, in the same sentence, show that an ambiguous name means the company:
/// "Target shares fell", "Shell said on Tuesday". Matched case-insensitively, whole words.
const CUES: &[&str] = &[
    "shares",
    "share price",
    "stock",
    "stocks",
    "stake",
    "shareholders",
    "investors",
    "analysts",
    "analyst",
    "ceo",
    "cfo",
    "chief executive",
    "executive",
    "executives",
    "said",
    "says",
    "reported",
    "reports",
    "announced",
    "announces",
    "earnings",
    "revenue",
    "revenues",
    "sales",
    "profit",
    "profits",
    "quarterly",
    "results",
    "guidance",
    "forecast",
    "outlook",
    "dividend",
    "buyback",
    "acquisition",
    "acquire",
    "acquired",
    "acquires",
    "merger",
    "valuation",
    "market value",
    "market cap",
    "listed",
    "ipo",
    "retailer",
    "retailers",
    "stores",
    "brand",
    "maker",
    "firm",
    "lender",
    "insurer",
    "oil major",
    "subsidiary",
    "customers",
    "employees",
    "layoffs",
    "launched",
    "rival",
    "rivals",
    "competitor",
    "competitors",
    "nyse",
    "nasdaq",
    "inc",
    "corp",
    "plc",
];

/// A legal suffix right after an ORG name, up to three of them ("Group Holding Limited").
const SUFFIX: &str = r"^(?:,?[ \x{A0}](?:Incorporated|Corporation|Company|Limited|Holdings|Holding|Group|Inc\.|Corp\.|Co\.|Ltd\.|S\.A\.|N\.V\.|S\.p\.A\.|L\.P\.|p\.l\.c\.|&[ ]Co\.|&[ ]Co|Inc|Corp|Co|Ltd|LLC|plc|PLC|Plc|AG|SE|SA|NV|ASA|GmbH|SpA|LP)){1,3}";

/// The name matcher, built once from the gazetteer.
pub struct Names {
    automaton: AhoCorasick,
    suffix: Regex,
    cues: AhoCorasick,
    /// Names written like symbols: up to six capitals or digits.
    short_names: HashSet<String>,
}

impl Names {
    pub fn new(g: &Gazetteer) -> Result<Self> {
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(g.surfaces.iter().map(|s| s.text.as_str()))
            .map_err(|e| Error::Model {
                what: "gazetteer automaton".into(),
                message: e.to_string(),
            })?;
        let cues = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(CUES)
            .map_err(|e| Error::Model {
                what: "cue automaton".into(),
                message: e.to_string(),
            })?;
        let short_names = g
            .surfaces
            .iter()
            .map(|s| s.text.as_str())
            .filter(|t| {
                t.len() <= 6
                    && t.bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            })
            .map(str::to_string)
            .collect();
        Ok(Names {
            automaton,
            suffix: Regex::new(SUFFIX).expect("suffix pattern"),
            cues,
            short_names,
        })
    }

    /// Pushes a candidate for every listed name in `text`, a sentence that starts at byte
    /// `offset` of the document and whose first word starts at `first`.
    pub(crate) fn find(
        &self,
        g: &Gazetteer,
        text: &str,
        offset: usize,
        first: usize,
        out: &mut Vec<Candidate>,
    ) {
        let bytes = text.as_bytes();
        for m in self.automaton.find_overlapping_iter(text) {
            let (start, mut end) = (m.start(), m.end());
            if !word_start(text, start) || !word_end(text, end) {
                continue;
            }
            let surface = &g.surfaces[m.pattern().as_usize()];
            let (kind, company) = match surface.referent {
                Referent::Blocker => {
                    out.push(Candidate::new(
                        Span::new(offset + start, offset + end),
                        EntityType::Org,
                        Source::Blocker,
                    ));
                    continue;
                }
                Referent::Entity { kind, company } => (kind, company),
            };
            let mut supported = false;
            if kind == EntityType::Org
                && let Some(s) = self.suffix.find(&text[end..])
            {
                // A suffix ending in a letter must end its word.
                let stop = end + s.end();
                if bytes[stop - 1] == b'.' || word_end(text, stop) {
                    end = stop;
                    supported = true;
                }
            }
            let mut c = Candidate::new(Span::new(offset + start, offset + end), kind, Source::Name);
            c.link = company.map_or(Link::None, Link::Company);
            c.ambiguity = surface.ambiguity;
            c.supported = supported;
            c.sentence_start = offset + start == first;
            out.push(c);
        }
    }

    /// Whether the sentence has a word that shows a corporate context.
    pub(crate) fn has_cue(&self, text: &str) -> bool {
        self.cues
            .find_iter(text)
            .any(|m| word_start(text, m.start()) && word_end(text, m.end()))
    }

    /// Whether `symbol` is itself a listed name ("AMD", "IBM", "AWS"), which makes it a name
    /// rather than a ticker where it stands alone.
    pub(crate) fn is_name(&self, symbol: &str) -> bool {
        self.short_names.contains(symbol)
    }
}

/// Whether a word may start at byte `i`: the character before is not a letter or digit.
pub(crate) fn word_start(text: &str, i: usize) -> bool {
    text[..i]
        .chars()
        .next_back()
        .is_none_or(|c| !c.is_alphanumeric())
}

/// Whether a word may end at byte `i`: the text ends, or the last character is not a letter
/// or digit ("U.S.", "Disney+"), or the next one is not.
pub(crate) fn word_end(text: &str, i: usize) -> bool {
    let last_is_word = text[..i]
        .chars()
        .next_back()
        .is_some_and(char::is_alphanumeric);
    !last_is_word
        || text[i..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_edges() {
        assert!(word_start("Meta's", 0));
        assert!(word_end("Meta's", 4));
        assert!(!word_end("Metaverse", 4));
        assert!(!word_start("ThemeMeta", 5));
        assert!(word_end("U.S.A", 4));
        assert!(word_end("Apple-designed", 5));
    }

    #[test]
    fn suffix_takes_legal_forms_only() {
        let re = Regex::new(SUFFIX).unwrap();
        assert_eq!(re.find(", Inc. (META)").unwrap().as_str(), ", Inc.");
        assert_eq!(
            re.find(" Group Holding Limited said").unwrap().as_str(),
            " Group Holding Limited"
        );
        assert_eq!(re.find(" Corp shares").unwrap().as_str(), " Corp");
        assert_eq!(re.find(" & Co <WFC.N>").unwrap().as_str(), " & Co");
        assert_eq!(re.find(" Co. said").unwrap().as_str(), " Co.");
        assert!(re.find(" said").is_none());
    }

    #[test]
    fn cues_are_whole_words() {
        let g = Gazetteer::embedded().unwrap();
        let n = Names::new(g).unwrap();
        assert!(n.has_cue("Target shares fell."));
        assert!(n.has_cue("Shell said on Tuesday."));
        assert!(!n.has_cue("Target the stockpile."));
    }
}
