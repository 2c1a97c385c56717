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
    index: FirstWords,
    suffix: Regex,
    cues: AhoCorasick,
    /// Names written like symbols: up to six capitals or digits.
    short_names: HashSet<String>,
}

/// Forms by their first word (their leading run of letters and digits), so that each word
/// start of a sentence costs one table look-up.
///
/// A form found at a word start that also ends on a word edge begins with exactly the word
/// at that start: its first word ends where the form has a character that is not a letter or
/// digit (so the text has it too), or where the form itself ends (so the text's word ends
/// there). Looking forms up by the word at each word start therefore finds every one.
struct FirstWords {
    /// Forms grouped by bucket: (key of the first word, surface index).
    forms: Vec<(u64, u32)>,
    /// Bucket b holds `forms[buckets[b]..buckets[b + 1]]`.
    buckets: Vec<u32>,
    /// Forms that open with something other than a letter or digit, looked for at every
    /// character after one that is no letter or digit.
    odd: Vec<u32>,
}

const BUCKET_BITS: u32 = 14;

/// The key of the word `bytes[start..end]`: its first eight bytes and its length (which
/// tell words of up to seven bytes apart).
fn word_key(bytes: &[u8], start: usize, end: usize) -> u64 {
    let len = end - start;
    let head = match bytes.get(start..start + 8) {
        Some(eight) => u64::from_le_bytes(eight.try_into().expect("8 bytes")),
        None => {
            let mut head = [0u8; 8];
            head[..bytes.len() - start].copy_from_slice(&bytes[start..]);
            u64::from_le_bytes(head)
        }
    };
    let head = if len < 8 { head & ((1 << (8 * len)) - 1) } else { head };
    head ^ ((len as u64) << 56)
}

fn bucket(key: u64) -> usize {
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - BUCKET_BITS)) as usize
}

/// The byte where the run of letters and digits that starts at `i` ends.
fn word_end_from(text: &str, i: usize) -> usize {
    let bytes = text.as_bytes();
    let mut j = i;
    while j < bytes.len() {
        if bytes[j] < 0x80 {
            if !bytes[j].is_ascii_alphanumeric() {
                break;
            }
            j += 1;
        } else {
            match text[j..].chars().next() {
                Some(c) if c.is_alphanumeric() => j += c.len_utf8(),
                _ => break,
            }
        }
    }
    j
}

impl FirstWords {
    fn new<'a>(forms: impl Iterator<Item = (u32, &'a str)>) -> Self {
        let mut keyed = Vec::new();
        let mut odd = Vec::new();
        for (k, form) in forms {
            match word_end_from(form, 0) {
                0 => odd.push(k),
                end => {
                    let key = word_key(form.as_bytes(), 0, end);
                    keyed.push((bucket(key), key, k));
                }
            }
        }
        keyed.sort_unstable();
        let mut buckets = vec![0u32; (1 << BUCKET_BITS) + 1];
        for &(b, _, _) in &keyed {
            buckets[b + 1] += 1;
        }
        for b in 1..buckets.len() {
            buckets[b] += buckets[b - 1];
        }
        FirstWords {
            forms: keyed.into_iter().map(|(_, key, k)| (key, k)).collect(),
            buckets,
            odd,
        }
    }

    /// Calls `f` with every form whose first word is `bytes[start..end]` (and possibly a few
    /// others).
    #[inline]
    fn each(&self, bytes: &[u8], start: usize, end: usize, mut f: impl FnMut(u32)) {
        let key = word_key(bytes, start, end);
        let b = bucket(key);
        let (from, to) = (self.buckets[b] as usize, self.buckets[b + 1] as usize);
        for &(k, form) in &self.forms[from..to] {
            if k == key {
                f(form);
            }
        }
    }
}

/// Calls `f` with the start and end of every word: a run of letters and digits. ASCII text
/// is scanned 64 bytes at a time.
fn for_each_word(text: &str, mut f: impl FnMut(usize, usize)) {
    let bytes = text.as_bytes();
    let mut after_word = false;
    let mut i = 0;
    while i < bytes.len() {
        let block = &bytes[i..bytes.len().min(i + 64)];
        if block.is_ascii() {
            let n = block.len();
            let word = if n == 64 {
                alphanumeric_bits(block.try_into().expect("64 bytes"))
            } else {
                let mut padded = [b' '; 64];
                padded[..n].copy_from_slice(block);
                alphanumeric_bits(&padded)
            };
            let mut starts = word & !((word << 1) | u64::from(after_word));
            while starts != 0 {
                let k = starts.trailing_zeros() as usize;
                let len = (!(word >> k)).trailing_zeros() as usize;
                let start = i + k;
                let end = if k + len < n { start + len } else { word_end_from(text, start) };
                f(start, end);
                starts &= starts - 1;
            }
            after_word = word >> (n - 1) & 1 == 1;
            i += n;
        } else {
            // Character by character up to the next block.
            let end = (i + 64).min(bytes.len());
            while i < end {
                let c = text[i..].chars().next().expect("at a character boundary");
                let is_word = c.is_alphanumeric();
                if is_word && !after_word {
                    f(i, word_end_from(text, i));
                }
                after_word = is_word;
                i += c.len_utf8();
            }
        }
    }
}

/// Bit k says whether `block[k]` is an ASCII letter or digit.
fn alphanumeric_bits(block: &[u8; 64]) -> u64 {
    let [bits] = byte_classes(block, [&[(b'0', b'9'), (b'A', b'Z'), (b'a', b'z')]]);
    bits
}

/// For each class (a list of inclusive ranges of ASCII bytes), a mask whose bit k says
/// whether `block[k]` is in it. Eight bytes are tested at once in a `u64`.
#[inline(always)]
pub(crate) fn byte_classes<const N: usize>(
    block: &[u8; 64],
    classes: [&[(u8, u8)]; N],
) -> [u64; N] {
    const fn lanes(b: u8) -> u64 {
        b as u64 * 0x0101_0101_0101_0101
    }
    const TOP: u64 = lanes(0x80);
    let mut masks = [0; N];
    for (j, eight) in block.chunks_exact(8).enumerate() {
        let x = u64::from_le_bytes(eight.try_into().expect("8 bytes"));
        // With the top bit of each byte cleared, adding a constant below 0x80 to a byte never
        // carries into the next: the top bit of each sum says byte >= lo, or byte > hi.
        // Bytes from 0x80 up are no ASCII.
        let low = x & !TOP;
        let ascii = !x & TOP;
        for (mask, ranges) in masks.iter_mut().zip(classes) {
            let mut top = 0;
            for &(lo, hi) in ranges {
                top |= low.wrapping_add(lanes(0x80 - lo)) & !low.wrapping_add(lanes(0x7F - hi));
            }
            // Gathers the eight top bits into one byte, byte k to bit k.
            let byte = ((top & ascii) >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56;
            *mask |= byte << (8 * j);
        }
    }
    masks
}

/// The legal forms of [`SUFFIX`], each as it must appear right after `,? `.
const SUFFIX_WORDS: &[&str] = &[
    "Incorporated", "Corporation", "Company", "Limited", "Holding", "Group", "Inc", "Corp",
    "Co", "Ltd", "S.A.", "N.V.", "S.p.A.", "L.P.", "p.l.c.", "& Co", "LLC", "plc", "PLC",
    "Plc", "AG", "SE", "SA", "NV", "ASA", "GmbH", "SpA", "LP",
];

impl Names {
    pub fn new(g: &Gazetteer) -> Result<Self> {
        let index = FirstWords::new(
            g.surfaces
                .iter()
                .enumerate()
                .map(|(k, s)| (k as u32, s.text.as_str())),
        );
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
            index,
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
        let from = out.len();
        let mut push = |start: usize, k: u32| {
            let surface = &g.surfaces[k as usize];
            let end = start + surface.text.len();
            if !text.as_bytes()[start..].starts_with(surface.text.as_bytes())
                || !word_end(text, end)
            {
                return;
            }
            let span = Span::new(offset + start, offset + end);
            out.push(match surface.referent {
                Referent::Blocker => Candidate::new(span, EntityType::Org, Source::Blocker),
                Referent::Entity { kind, company } => {
                    let mut c = Candidate::new(span, kind, Source::Name);
                    c.link = company.map_or(Link::None, Link::Company);
                    c.ambiguity = surface.ambiguity;
                    c.sentence_start = offset + start == first;
                    c
                }
            });
        };
        for_each_word(text, |start, end| {
            self.index.each(text.as_bytes(), start, end, |k| push(start, k));
        });
        if !self.index.odd.is_empty() {
            for (i, _) in text.char_indices().filter(|&(i, _)| word_start(text, i)) {
                for &k in &self.index.odd {
                    push(i, k);
                }
            }
        }
        // Every match of every form, in the order of one overlapping search: by end, then by
        // start.
        out[from..].sort_unstable_by_key(|c| (c.span.end, c.span.start));

        // An ORG name takes the legal suffix after it.
        let bytes = text.as_bytes();
        for c in &mut out[from..] {
            if c.source != Source::Name || c.kind != EntityType::Org {
                continue;
            }
            let end = c.span.end - offset;
            if may_take_suffix(&bytes[end..])
                && let Some(s) = self.suffix.find(&text[end..])
            {
                // A suffix ending in a letter must end its word.
                let stop = end + s.end();
                if bytes[stop - 1] == b'.' || word_end(text, stop) {
                    c.span = Span::new(c.span.start, offset + stop);
                    c.claim = c.span;
                    c.supported = true;
                }
            }
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

/// Whether [`SUFFIX`] can match at the start of `rest`: a comma, a space, then the start of a
/// legal form (a cheap test that spares most names the regex).
fn may_take_suffix(rest: &[u8]) -> bool {
    let rest = rest.strip_prefix(b",").unwrap_or(rest);
    let rest = match rest {
        [b' ', rest @ ..] => rest,
        [0xC2, 0xA0, rest @ ..] => rest,
        _ => return false,
    };
    let Some(&first) = rest.first() else {
        return false;
    };
    SUFFIX_WORDS
        .iter()
        .any(|w| w.as_bytes()[0] == first && rest.starts_with(w.as_bytes()))
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
    fn byte_ranges_bit_by_bit() {
        let block: [u8; 64] = std::array::from_fn(|k| [b'a', b'Z', b'_', b'0', 0xC3, b' ', b'9', 0xFF][k % 8]);
        let [both, under] = byte_classes(&block, [&[(b'0', b'9'), (b'a', b'z')], &[(b'_', b'_')]]);
        for (k, b) in block.iter().enumerate() {
            assert_eq!(both >> k & 1 == 1, b.is_ascii_digit() || b.is_ascii_lowercase(), "{k}");
            assert_eq!(under >> k & 1 == 1, *b == b'_', "{k}");
        }
    }

    #[test]
    fn words_in_blocks_and_characters() {
        let mixed = "Meta's \u{201c}Azure\u{201d} x1 (AWS) \u{d8}rsted eBay 3M ".repeat(9);
        let ascii: String = (0..200u8).map(|b| char::from(b % 128)).collect();
        for text in [mixed, ascii] {
            let mut got = Vec::new();
            for_each_word(&text, |start, end| got.push((start, end)));
            let want: Vec<(usize, usize)> = text
                .char_indices()
                .filter(|&(i, c)| c.is_alphanumeric() && word_start(&text, i))
                .map(|(i, _)| (i, word_end_from(&text, i)))
                .collect();
            assert_eq!(got, want);
        }
    }

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
    fn every_legal_form_passes_the_quick_test() {
        let alternatives = SUFFIX
            .split_once("(?:Incorporated")
            .map(|(_, rest)| format!("Incorporated{}", rest.split_once(")){").unwrap().0))
            .unwrap();
        for alt in alternatives.split('|') {
            let written = alt.replace(r"\.", ".").replace("[ ]", " ");
            assert!(may_take_suffix(format!(" {written}").as_bytes()), "{written}");
            assert!(may_take_suffix(format!(",\u{a0}{written}").as_bytes()), "{written}");
        }
        assert!(!may_take_suffix(b" said"));
        assert!(!may_take_suffix(b"Inc."));
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
