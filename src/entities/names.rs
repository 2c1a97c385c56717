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
use std::cell::RefCell;
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
    /// The first two bytes of the forms that open with a small letter ("eBay", "the Dow"),
    /// as a bit set, and the letter of such forms of one byte.
    small_pairs: Box<[u64; 1024]>,
    small_singles: [bool; 256],
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
    let head = if len < 8 {
        head & ((1 << (8 * len)) - 1)
    } else {
        head
    };
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
        let mut small_pairs = Box::new([0u64; 1024]);
        let mut small_singles = [false; 256];
        for (k, form) in forms {
            match *form.as_bytes() {
                [a @ b'a'..=b'z'] => small_singles[usize::from(a)] = true,
                [a @ b'a'..=b'z', b, ..] => {
                    let pair = usize::from(a) << 8 | usize::from(b);
                    small_pairs[pair >> 6] |= 1 << (pair & 63);
                }
                _ => {}
            }
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
            small_pairs,
            small_singles,
            forms: keyed.into_iter().map(|(_, key, k)| (key, k)).collect(),
            buckets,
            odd,
        }
    }

    /// Whether a form that opens with a small letter may start at `i` (a word start there).
    #[inline]
    fn small_pair(&self, bytes: &[u8], i: usize) -> bool {
        let a = bytes[i];
        let b = bytes.get(i + 1).copied().unwrap_or(0);
        let pair = usize::from(a) << 8 | usize::from(b);
        self.small_singles[usize::from(a)] || self.small_pairs[pair >> 6] & (1 << (pair & 63)) != 0
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

/// One scan of a sentence, shared by the rules that read it after one another (names,
/// values, persons, companies): bit masks, one bit per byte, of where something may start.
///
/// The rules of the entity stage are called per sentence; each asks [`with_scan`] for the
/// scan of its sentence, and only the first one scans.
#[derive(Default)]
pub(crate) struct Scan {
    /// The sentence scanned, to tell whether a later call reads the same one.
    text: Vec<u8>,
    /// Per block of 64 bytes, the masks [`ALNUM`] to [`LOWER`].
    blocks: Vec<Masks>,
}

/// An ASCII letter or digit.
pub(crate) const ALNUM: usize = 0;
/// An ASCII letter or digit after a byte that is neither nor an underscore: where a pattern
/// that opens with `(?-u:\b)` and a word may start.
pub(crate) const WORD: usize = 1;
/// A letter or digit after a character that is neither: where a listed name may start.
pub(crate) const NAME: usize = 2;
/// An ASCII capital.
pub(crate) const CAPITAL: usize = 3;
/// A `$`.
pub(crate) const DOLLAR: usize = 4;
/// A small ASCII letter.
pub(crate) const LOWER: usize = 5;
/// A `:`.
pub(crate) const COLON: usize = 6;
/// A `(` or a `<`.
pub(crate) const OPEN: usize = 7;

/// The masks of one block.
pub(crate) type Masks = [u64; 8];

thread_local! {
    static SCAN: RefCell<Scan> = RefCell::default();
}

/// Calls `f` with the scan of `text`, scanning it unless the last call on this thread was
/// for the same text.
pub(crate) fn with_scan<R>(text: &str, f: impl FnOnce(&Scan) -> R) -> R {
    SCAN.with_borrow_mut(|scan| {
        if scan.text != text.as_bytes() {
            scan.fill(text);
        }
        f(scan)
    })
}

impl Scan {
    fn fill(&mut self, text: &str) {
        self.text.clear();
        self.text.extend_from_slice(text.as_bytes());
        self.blocks.clear();
        let b = text.as_bytes();
        // Whether the byte before is an ASCII word byte, and whether the character before is
        // a letter or digit.
        let (mut after_word, mut after_alnum) = (false, false);
        // Where the next character starts (past the block when one straddles its end).
        let mut next_char = 0;
        for (k, block) in b.chunks(64).enumerate() {
            let base = 64 * k;
            let n = block.len();
            let mut padded = [b' '; 64];
            let full: &[u8; 64] = match block.try_into() {
                Ok(full) => full,
                Err(_) => {
                    padded[..n].copy_from_slice(block);
                    &padded
                }
            };
            let [digit, capital, lower, under, dollar, colon, open] = classify(full);
            let alnum = digit | capital | lower;
            let word = alnum | under;
            let words = alnum & !((word << 1) | u64::from(after_word));
            after_word = word >> (n - 1) & 1 == 1;
            let names = if block.is_ascii() {
                let names = alnum & !((alnum << 1) | u64::from(after_alnum));
                after_alnum = alnum >> (n - 1) & 1 == 1;
                next_char = base + n;
                names
            } else {
                let mut names = 0;
                while next_char < base + n {
                    let c = text[next_char..]
                        .chars()
                        .next()
                        .expect("a character starts here");
                    if c.is_alphanumeric() && !after_alnum {
                        names |= 1 << (next_char - base);
                    }
                    after_alnum = c.is_alphanumeric();
                    next_char += c.len_utf8();
                }
                names
            };
            let masks = [alnum, words, names, capital, dollar, lower, colon, open];
            self.blocks.push(masks);
        }
    }

    /// Calls `f` at every byte where the mask that `select` makes of a block's masks has a
    /// bit, in order, until `f` returns true; returns whether it did.
    pub(crate) fn find(
        &self,
        select: impl Fn(&Masks) -> u64,
        mut f: impl FnMut(usize) -> bool,
    ) -> bool {
        for (k, masks) in self.blocks.iter().enumerate() {
            let mut bits = select(masks);
            while bits != 0 {
                if f(64 * k + bits.trailing_zeros() as usize) {
                    return true;
                }
                bits &= bits - 1;
            }
        }
        false
    }

    /// Calls `f` at every byte where the mask that `select` makes has a bit, in order.
    pub(crate) fn each(&self, select: impl Fn(&Masks) -> u64, mut f: impl FnMut(usize)) {
        self.find(select, |i| {
            f(i);
            false
        });
    }

    /// Where the run of ASCII letters and digits that starts at `i` ends.
    pub(crate) fn alnum_end(&self, i: usize) -> usize {
        let (mut k, mut shift) = (i / 64, i % 64);
        let mut end = i;
        while let Some(masks) = self.blocks.get(k) {
            let run = (!(masks[ALNUM] >> shift)).trailing_zeros() as usize;
            end += run;
            if shift + run < 64 {
                break;
            }
            (k, shift) = (k + 1, 0);
        }
        end.min(self.text.len())
    }
}

/// The masks of a block of 64 bytes: ASCII digits, capitals, small letters, `_`, `$`, `:`,
/// and `(` or `<`.
fn classify(block: &[u8; 64]) -> [u64; 7] {
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: SSE2 is part of the x86_64 baseline; every x86_64 processor has it.
        unsafe { classify_sse2(block) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        byte_classes(
            block,
            [
                &[(b'0', b'9')],
                &[(b'A', b'Z')],
                &[(b'a', b'z')],
                &[(b'_', b'_')],
                &[(b'$', b'$')],
                &[(b':', b':')],
                &[(b'(', b'('), (b'<', b'<')],
            ],
        )
    }
}

/// [`classify`] sixteen bytes at a time.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn classify_sse2(block: &[u8; 64]) -> [u64; 7] {
    use std::arch::x86_64::{
        __m128i, _mm_and_si128, _mm_cmpeq_epi8, _mm_cmpgt_epi8, _mm_cmplt_epi8, _mm_movemask_epi8,
        _mm_or_si128, _mm_set_epi64x, _mm_set1_epi8,
    };
    /// Bytes in lo..=hi (both below 0x7F); bytes from 0x80 up compare as negative, so none
    /// of them is in.
    #[target_feature(enable = "sse2")]
    fn within(v: __m128i, lo: u8, hi: u8) -> __m128i {
        let above = _mm_cmpgt_epi8(v, _mm_set1_epi8(lo as i8 - 1));
        let below = _mm_cmplt_epi8(v, _mm_set1_epi8(hi as i8 + 1));
        _mm_and_si128(above, below)
    }
    #[target_feature(enable = "sse2")]
    fn is(v: __m128i, b: u8) -> __m128i {
        _mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8))
    }
    let mut masks = [0u64; 7];
    for (j, sixteen) in block.chunks_exact(16).enumerate() {
        let low = u64::from_le_bytes(sixteen[..8].try_into().expect("8 bytes"));
        let high = u64::from_le_bytes(sixteen[8..].try_into().expect("8 bytes"));
        let v = _mm_set_epi64x(high as i64, low as i64);
        let classes = [
            within(v, b'0', b'9'),
            within(v, b'A', b'Z'),
            within(v, b'a', b'z'),
            is(v, b'_'),
            is(v, b'$'),
            is(v, b':'),
            _mm_or_si128(is(v, b'('), is(v, b'<')),
        ];
        for (mask, class) in masks.iter_mut().zip(classes) {
            *mask |= u64::from(_mm_movemask_epi8(class) as u16) << (16 * j);
        }
    }
    masks
}

/// For each class (a list of inclusive ranges of ASCII bytes), a mask whose bit k says
/// whether `block[k]` is in it. Eight bytes are tested at once in a `u64`.
/// The portable path of `classify`; on x86_64 only the tests use it, to check the SSE2 path.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
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
    "Incorporated",
    "Corporation",
    "Company",
    "Limited",
    "Holding",
    "Group",
    "Inc",
    "Corp",
    "Co",
    "Ltd",
    "S.A.",
    "N.V.",
    "S.p.A.",
    "L.P.",
    "p.l.c.",
    "& Co",
    "LLC",
    "plc",
    "PLC",
    "Plc",
    "AG",
    "SE",
    "SA",
    "NV",
    "ASA",
    "GmbH",
    "SpA",
    "LP",
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
        with_scan(text, |scan| {
            let b = text.as_bytes();
            let mut look_up = |start: usize| {
                // The run of ASCII letters and digits, then any other letters and digits.
                let mut end = scan.alnum_end(start);
                if b.get(end).is_some_and(|&c| c >= 0x80) {
                    end = word_end_from(text, end);
                }
                self.index.each(b, start, end, |k| push(start, k));
            };
            // Most words open with a small letter, and few names do: those words are looked
            // up only when their first two letters open a name.
            scan.each(|m| m[NAME] & !m[LOWER], &mut look_up);
            scan.each(
                |m| m[NAME] & m[LOWER],
                |start| {
                    if self.index.small_pair(b, start) {
                        look_up(start);
                    }
                },
            );
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

        // A PRODUCT name takes the model number or edition after it: "iPhone 18",
        // "PlayStation 5", "da Vinci 5", "737 MAX 10", "Galaxy S25 Ultra".
        for c in &mut out[from..] {
            if c.source == Source::Name && c.kind == EntityType::Product {
                let end = c.span.end - offset;
                let more = model_suffix(&text[end..]);
                if more > 0 {
                    c.span = Span::new(c.span.start, c.span.end + more);
                    c.claim = c.span;
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
/// Editions that follow a product's name.
const EDITIONS: &[&str] = &[
    "Pro", "Plus", "Max", "MAX", "Ultra", "Mini", "Air", "SE", "XL",
];

/// Words after a number that make it a quantity, not a model ("Instagram 2 billion users").
const QUANTITY_WORDS: &[&str] = &[
    "million",
    "billion",
    "trillion",
    "thousand",
    "percent",
    "per",
    "times",
    "year",
    "years",
    "month",
    "months",
    "week",
    "weeks",
    "day",
    "days",
    "hour",
    "hours",
    "minutes",
    "quarter",
    "quarters",
    "units",
    "users",
    "subscribers",
    "customers",
    "people",
    "countries",
    "points",
    "cents",
    "dollars",
    "euros",
    "shares",
    "of",
    "to",
    "and",
    "or",
];

/// The length in bytes of the model number and editions at the start of `rest`, the text
/// right after a product's name: " 18" in "iPhone 18 sales", " S25 Ultra" in "Galaxy S25
/// Ultra"; 0 when there is none. A model number is an optional capital letter, one to three
/// digits and an optional letter or `+`; a number read as a quantity ("2 billion", "3%",
/// "5.5", "12 years") is none.
pub(crate) fn model_suffix(rest: &str) -> usize {
    let b = rest.as_bytes();
    let mut at = 0;
    for _ in 0..3 {
        if b.get(at) != Some(&b' ') {
            break;
        }
        let start = at + 1;
        let word_len = b[start..]
            .iter()
            .position(|c| !(c.is_ascii_alphanumeric() || *c == b'+'))
            .unwrap_or(b.len() - start);
        if word_len == 0 {
            break;
        }
        let word = &rest[start..start + word_len];
        let after = &b[start + word_len..];
        // The word must end there: no letters beyond ASCII, no "5.5", "3%", "2,000".
        let ends = match after {
            [] => true,
            [c, ..] if *c >= 0x80 => false,
            [b'%', ..] => false,
            [b'.' | b',' | b':', d, ..] if d.is_ascii_digit() => false,
            _ => true,
        };
        if !ends {
            break;
        }
        let is_edition = EDITIONS.contains(&word);
        let is_model = is_model_code(word);
        if !is_edition && !is_model {
            break;
        }
        if is_model {
            // "Instagram 2 billion users": the number is a quantity.
            let next = rest[start + word_len..].trim_start_matches(' ');
            let next_word = next
                .split(|c: char| !c.is_ascii_alphabetic())
                .next()
                .unwrap_or("");
            if QUANTITY_WORDS.contains(&next_word) {
                break;
            }
        }
        at = start + word_len;
    }
    at
}

/// "5", "18", "737", "S25", "9e", "4+", but not "2026" or "10000".
fn is_model_code(word: &str) -> bool {
    let b = word.as_bytes();
    let mut i = usize::from(b.first().is_some_and(u8::is_ascii_uppercase));
    let digits = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
    if !(1..=3).contains(&digits) {
        return false;
    }
    i += digits;
    match &b[i..] {
        [] => true,
        [c] => c.is_ascii_alphabetic() || *c == b'+',
        _ => false,
    }
}

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
    fn model_numbers_after_products() {
        let len = |rest: &str| model_suffix(rest);
        assert_eq!(len(" 18 sold well"), 3);
        assert_eq!(len(" 5."), 2);
        assert_eq!(len(" S25 Ultra, the"), 10);
        assert_eq!(len(" 17 Pro Max"), 11);
        assert_eq!(len(" Plus subscribers"), 5);
        assert_eq!(len(" MAX 10 jets"), 7);
        // Quantities, years and plain words are not model numbers.
        assert_eq!(len(" 2 billion users"), 0);
        assert_eq!(len(" 3% higher"), 0);
        assert_eq!(len(" 5.5 million"), 0);
        assert_eq!(len(" 2026 sales"), 0);
        assert_eq!(len(" 12 years ago"), 0);
        assert_eq!(len(" sales rose"), 0);
        assert_eq!(len("\n5"), 0);
        assert_eq!(len(""), 0);
    }

    #[test]
    fn byte_ranges_bit_by_bit() {
        let block: [u8; 64] =
            std::array::from_fn(|k| [b'a', b'Z', b'_', b'0', 0xC3, b' ', b'9', 0xFF][k % 8]);
        let [both, under] = byte_classes(&block, [&[(b'0', b'9'), (b'a', b'z')], &[(b'_', b'_')]]);
        for (k, b) in block.iter().enumerate() {
            assert_eq!(
                both >> k & 1 == 1,
                b.is_ascii_digit() || b.is_ascii_lowercase(),
                "{k}"
            );
            assert_eq!(under >> k & 1 == 1, *b == b'_', "{k}");
        }
    }

    #[test]
    fn one_scan_finds_every_start() {
        let mixed = "Meta's \u{201c}Azure\u{201d} x1 (AWS) \u{d8}rsted $5 a_b ".repeat(9);
        let ascii: String = (0..200u8).map(|b| char::from(b % 128)).collect();
        for text in [mixed, ascii] {
            let b = text.as_bytes();
            let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
            let chars = || text.char_indices();
            let words: Vec<usize> = chars()
                .filter(|&(i, _)| b[i].is_ascii_alphanumeric() && (i == 0 || !word(b[i - 1])))
                .map(|(i, _)| i)
                .collect();
            let names: Vec<usize> = chars()
                .filter(|&(i, c)| c.is_alphanumeric() && word_start(&text, i))
                .map(|(i, _)| i)
                .collect();
            let capitals: Vec<usize> = chars()
                .filter(|(_, c)| c.is_ascii_uppercase())
                .map(|(i, _)| i)
                .collect();
            let dollars: Vec<usize> = chars().filter(|&(_, c)| c == '$').map(|(i, _)| i).collect();
            with_scan(&text, |scan| {
                let at = |mask: usize| {
                    let mut all = Vec::new();
                    scan.each(|m| m[mask], |i| all.push(i));
                    all
                };
                assert_eq!(at(WORD), words);
                assert_eq!(at(NAME), names);
                assert_eq!(at(CAPITAL), capitals);
                assert_eq!(at(DOLLAR), dollars);
                for &i in &names {
                    let ascii = i + b[i..]
                        .iter()
                        .take_while(|c| c.is_ascii_alphanumeric())
                        .count();
                    assert_eq!(scan.alnum_end(i), ascii);
                }
            });
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
            assert!(
                may_take_suffix(format!(" {written}").as_bytes()),
                "{written}"
            );
            assert!(
                may_take_suffix(format!(",\u{a0}{written}").as_bytes()),
                "{written}"
            );
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
