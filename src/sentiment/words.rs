//! Cheap word tokens and multi-word phrase matching, shared by the rule stages.
//!
//! A sentence -> lowercase tokens (words, numbers, clause breaks) in a reused buffer -> word
//! ids from a [`Vocab`] -> the longest [`Phrases`] entry starting at a token.
//!
//! ```
//! use finnews::sentiment::words::{Phrases, Tokens, Vocab};
//!
//! let mut vocab = Vocab::default();
//! let mut builder = Phrases::builder();
//! builder.add(&mut vocab, "beat estimates", 1.5_f32, |old, new| *old = new);
//! let phrases = builder.build(&vocab);
//!
//! let mut tokens = Tokens::default();
//! tokens.tokenize("Acme's results beat estimates, again.");
//! tokens.lookup(&vocab);
//! // acme | results | beat estimates | , | again
//! assert_eq!(phrases.longest(tokens.ids(), 2), Some((2, &1.5)));
//! ```
//!
//! Tokenizing is one pass over the bytes: ASCII letters are lowercased into one buffer that is
//! cleared, not reallocated, between sentences; non-ASCII characters stay inside words as they
//! are. A possessive `'s` is dropped ("Meta's" -> `meta`), other apostrophes are removed inside
//! a word ("didn't" -> `didnt`), hyphens and slashes separate words ("loss-making" -> `loss`,
//! `making`), digits start a number token ("12.5", "1,000"), and `, ; : ( ) ! ?` and dashes are
//! clause breaks (commas, colons and brackets weak ones). Periods are ignored: sentences arrive already split, so a period inside one
//! belongs to an abbreviation or a number.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A fast, non-cryptographic hash for short keys (the word-rotate-multiply scheme of rustc's
/// `FxHasher`). Word tables are built from our own lists, so collision attacks are no concern.
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.add(u64::from_le_bytes(chunk.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut buf = [0u8; 8];
            buf[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(buf));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(i as u64);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

/// `HashMap` with [`FxHasher`].
pub type FxHashMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// The id of a word no table knows.
pub const UNKNOWN: u32 = u32::MAX - 1;
/// The id of a number token.
pub const NUMBER: u32 = u32::MAX - 2;
/// The id of a clause break.
pub const BREAK: u32 = u32::MAX;
/// In a phrase pattern (`*`): any one word or number, never a break.
const ANY: u32 = u32::MAX - 3;
/// In a phrase pattern (`#`): any one number.
const ANY_NUMBER: u32 = u32::MAX - 4;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Word,
    Number,
    /// `,`, `:` and brackets: a weak clause break.
    Pause,
    /// `; ! ?` and dashes: a strong clause break.
    Break,
}

/// One token: its kind and its lowercase text as a range of [`Tokens`]' buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    start: u32,
    end: u32,
}

/// The tokens of one sentence, with buffers reused from sentence to sentence.
#[derive(Debug, Default, Clone)]
pub struct Tokens {
    lower: Vec<u8>,
    tokens: Vec<Token>,
    ids: Vec<u32>,
}

#[inline]
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80
}

impl Tokens {
    /// Splits `text` into tokens, replacing the previous sentence's.
    pub fn tokenize(&mut self, text: &str) {
        self.lower.clear();
        self.tokens.clear();
        self.ids.clear();
        let bytes = text.as_bytes();
        let n = bytes.len();
        let mut i = 0;
        while i < n {
            let b = bytes[i];
            // Multi-byte punctuation that matters: right single quote, dashes, no-break space,
            // curly double quotes. Everything else non-ASCII is part of a word.
            if b == 0xE2 && i + 2 < n && bytes[i + 1] == 0x80 {
                match bytes[i + 2] {
                    0x93 | 0x94 => {
                        self.push_break(TokenKind::Break);
                        i += 3;
                        continue;
                    }
                    0x98 | 0x99 | 0x9C | 0x9D => {
                        i += 3;
                        continue;
                    }
                    _ => {}
                }
            }
            if b == 0xC2 && i + 1 < n && bytes[i + 1] == 0xA0 {
                i += 2;
                continue;
            }
            if is_word_byte(b) {
                i = self.word(bytes, i);
                continue;
            }
            match b {
                b',' | b':' | b'(' | b')' | b'[' | b']' => self.push_break(TokenKind::Pause),
                b';' | b'!' | b'?' => self.push_break(TokenKind::Break),
                _ => {}
            }
            i += 1;
        }
    }

    fn push_break(&mut self, kind: TokenKind) {
        let at = self.lower.len() as u32;
        self.tokens.push(Token {
            kind,
            start: at,
            end: at,
        });
    }

    /// Reads the word or number starting at `i`; returns where it ends.
    fn word(&mut self, bytes: &[u8], mut i: usize) -> usize {
        let n = bytes.len();
        let start = self.lower.len() as u32;
        let number = bytes[i].is_ascii_digit();
        while i < n {
            let b = bytes[i];
            if is_word_byte(b) {
                // A right single quote inside a word acts as an apostrophe.
                if b == 0xE2 && i + 2 < n && bytes[i + 1] == 0x80 {
                    match bytes[i + 2] {
                        0x99 => {
                            if let Some(next) = self.apostrophe(bytes, i, 3) {
                                i = next;
                                continue;
                            }
                            break;
                        }
                        0x93 | 0x94 | 0x98 | 0x9C | 0x9D => break,
                        _ => {}
                    }
                }
                if b == 0xC2 && i + 1 < n && bytes[i + 1] == 0xA0 {
                    break;
                }
                self.lower.push(b.to_ascii_lowercase());
                i += 1;
            } else if b == b'\'' {
                match self.apostrophe(bytes, i, 1) {
                    Some(next) => i = next,
                    None => break,
                }
            } else if number
                && (b == b'.' || b == b',')
                && i + 1 < n
                && bytes[i + 1].is_ascii_digit()
            {
                self.lower.push(b);
                i += 1;
            } else {
                break;
            }
        }
        let end = self.lower.len() as u32;
        let kind = if number {
            TokenKind::Number
        } else {
            TokenKind::Word
        };
        self.tokens.push(Token { kind, start, end });
        // Skip a dropped possessive and a trailing apostrophe ("analysts'").
        while i < n && bytes[i] == b'\'' {
            i += 1;
        }
        i
    }

    /// At an apostrophe of `width` bytes at `i` inside a word: `Some(next)` to go on reading
    /// from `next`, `None` to end the word here. After a possessive `'s`, `next` is past the
    /// `s`, where no word byte follows, so the word ends without it.
    fn apostrophe(&self, bytes: &[u8], i: usize, width: usize) -> Option<usize> {
        let after = i + width;
        let next = bytes.get(after).copied()?;
        if !next.is_ascii_alphabetic() {
            return None;
        }
        let possessive = (next == b's' || next == b'S')
            && bytes.get(after + 1).is_none_or(|&c| !is_word_byte(c));
        Some(if possessive { after + 1 } else { after })
    }

    /// Fills each token's id from `vocab` (see [`UNKNOWN`], [`NUMBER`], [`BREAK`]).
    pub fn lookup(&mut self, vocab: &Vocab) {
        self.ids.clear();
        for t in &self.tokens {
            let id = match t.kind {
                TokenKind::Word => vocab
                    .get(&self.lower[t.start as usize..t.end as usize])
                    .unwrap_or(UNKNOWN),
                TokenKind::Number => NUMBER,
                TokenKind::Pause | TokenKind::Break => BREAK,
            };
            self.ids.push(id);
        }
    }

    pub fn len(&self) -> usize {
        self.tokens.len()
    }
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }
    pub fn tokens(&self) -> &[Token] {
        &self.tokens
    }
    /// Ids from the last [`Tokens::lookup`].
    pub fn ids(&self) -> &[u32] {
        &self.ids
    }
    /// The lowercase text of token `i` (empty for breaks).
    pub fn text(&self, i: usize) -> &[u8] {
        let t = self.tokens[i];
        &self.lower[t.start as usize..t.end as usize]
    }
}

/// Word -> id, for every word of every list a stage knows.
#[derive(Debug, Default, Clone)]
pub struct Vocab {
    map: FxHashMap<Box<[u8]>, u32>,
}

impl Vocab {
    /// The id of `word`, adding it if new.
    pub fn intern(&mut self, word: &[u8]) -> u32 {
        if let Some(&id) = self.map.get(word) {
            return id;
        }
        let id = self.map.len() as u32;
        self.map.insert(word.into(), id);
        id
    }
    #[inline]
    pub fn get(&self, word: &[u8]) -> Option<u32> {
        self.map.get(word).copied()
    }
    pub fn len(&self) -> usize {
        self.map.len()
    }
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// Phrases of one or more words, each with a value, matched longest first at a token.
///
/// A pattern word `*` matches any one word or number, `#` any one number.
#[derive(Debug, Clone)]
pub struct Phrases<T> {
    /// `first[id]..first[id + 1]`: the entries whose first word is `id`, longest first.
    first: Vec<u32>,
    /// Each entry's words after the first.
    rest: Vec<Box<[u32]>>,
    values: Vec<T>,
}

/// Collects phrases before [`PhrasesBuilder::build`] freezes them.
#[derive(Debug)]
pub struct PhrasesBuilder<T> {
    entries: Vec<(Vec<u32>, T)>,
    index: HashMap<Vec<u32>, usize>,
    scratch: Tokens,
}

impl<T> Phrases<T> {
    pub fn builder() -> PhrasesBuilder<T> {
        PhrasesBuilder {
            entries: Vec::new(),
            index: HashMap::new(),
            scratch: Tokens::default(),
        }
    }

    /// The longest phrase starting at token `i` of `ids`: its length in tokens and value.
    #[inline]
    pub fn longest(&self, ids: &[u32], i: usize) -> Option<(usize, &T)> {
        let id = ids[i] as usize;
        if id + 1 >= self.first.len() {
            return None;
        }
        let (lo, hi) = (self.first[id] as usize, self.first[id + 1] as usize);
        'entry: for e in lo..hi {
            let rest = &self.rest[e];
            if i + 1 + rest.len() > ids.len() {
                continue;
            }
            for (k, &want) in rest.iter().enumerate() {
                let got = ids[i + 1 + k];
                let ok = match want {
                    ANY => got != BREAK,
                    ANY_NUMBER => got == NUMBER,
                    _ => got == want,
                };
                if !ok {
                    continue 'entry;
                }
            }
            return Some((rest.len() + 1, &self.values[e]));
        }
        None
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

impl<T> PhrasesBuilder<T> {
    /// Adds `phrase` (tokenized like sentences are) with `value`; where the phrase is already
    /// there, `merge(old, new)` decides. A phrase without words, or one that starts with a
    /// wildcard, is ignored and reported as `false`.
    pub fn add(
        &mut self,
        vocab: &mut Vocab,
        phrase: &str,
        value: T,
        merge: impl FnOnce(&mut T, T),
    ) -> bool {
        self.scratch.tokenize(phrase);
        let mut ids = Vec::with_capacity(self.scratch.len());
        for (i, t) in self.scratch.tokens().iter().enumerate() {
            let text = self.scratch.text(i);
            let id = match (t.kind, text) {
                (_, b"*") => ANY,
                (_, b"#") => ANY_NUMBER,
                (TokenKind::Word, w) => vocab.intern(w),
                // Numbers and breaks in a pattern are matched literally by kind.
                (TokenKind::Number, _) => NUMBER,
                (TokenKind::Pause | TokenKind::Break, _) => BREAK,
            };
            ids.push(id);
        }
        // `*` and `#` are not word bytes; the tokenizer skips them, so spot them by hand.
        if phrase.split_whitespace().any(|w| w == "*" || w == "#") {
            ids.clear();
            for w in phrase.split_whitespace() {
                match w {
                    "*" => ids.push(ANY),
                    "#" => ids.push(ANY_NUMBER),
                    _ => {
                        self.scratch.tokenize(w);
                        for i in 0..self.scratch.len() {
                            if self.scratch.tokens()[i].kind == TokenKind::Word {
                                ids.push(vocab.intern(self.scratch.text(i)));
                            }
                        }
                    }
                }
            }
        }
        match ids.first() {
            None => return false,
            Some(&first) if first >= ANY_NUMBER => return false,
            _ => {}
        }
        match self.index.get(&ids) {
            Some(&at) => merge(&mut self.entries[at].1, value),
            None => {
                self.index.insert(ids.clone(), self.entries.len());
                self.entries.push((ids, value));
            }
        }
        true
    }

    /// Freezes the phrases for matching; `vocab` must hold every word added.
    pub fn build(self, vocab: &Vocab) -> Phrases<T> {
        let mut entries = self.entries;
        entries.sort_by(|a, b| a.0[0].cmp(&b.0[0]).then(b.0.len().cmp(&a.0.len())));
        let mut first = vec![0u32; vocab.len() + 1];
        for (ids, _) in &entries {
            first[ids[0] as usize + 1] += 1;
        }
        for i in 1..first.len() {
            first[i] += first[i - 1];
        }
        let mut rest = Vec::with_capacity(entries.len());
        let mut values = Vec::with_capacity(entries.len());
        for (ids, value) in entries {
            rest.push(ids[1..].into());
            values.push(value);
        }
        Phrases {
            first,
            rest,
            values,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        let mut t = Tokens::default();
        t.tokenize(text);
        (0..t.len())
            .map(|i| match t.tokens()[i].kind {
                TokenKind::Pause => ",".to_string(),
                TokenKind::Break => "|".to_string(),
                TokenKind::Number => format!("#{}", String::from_utf8_lossy(t.text(i))),
                TokenKind::Word => String::from_utf8_lossy(t.text(i)).into_owned(),
            })
            .collect()
    }

    #[test]
    fn lowercases_and_splits_words() {
        assert_eq!(
            words("Acme Corp. ROSE sharply"),
            ["acme", "corp", "rose", "sharply"]
        );
    }

    #[test]
    fn possessives_and_contractions() {
        assert_eq!(
            words("Acme's unit didn't grow"),
            ["acme", "unit", "didnt", "grow"]
        );
        assert_eq!(
            words("Acme\u{2019}s unit doesn\u{2019}t"),
            ["acme", "unit", "doesnt"]
        );
        assert_eq!(words("the analysts' view"), ["the", "analysts", "view"]);
    }

    #[test]
    fn hyphens_separate_and_numbers_keep_decimals() {
        assert_eq!(
            words("loss-making unit lost 1,200.5 units"),
            ["loss", "making", "unit", "lost", "#1,200.5", "units"]
        );
        assert_eq!(words("up 12%."), ["up", "#12"]);
    }

    #[test]
    fn clause_breaks() {
        assert_eq!(
            words("a, b; c \u{2014} d (e)"),
            ["a", ",", "b", "|", "c", "|", "d", ",", "e", ","]
        );
    }

    #[test]
    fn non_ascii_stays_inside_words() {
        assert_eq!(words("Caf\u{e9} n\u{e4}r"), ["caf\u{e9}", "n\u{e4}r"]);
    }

    #[test]
    fn longest_phrase_wins_and_wildcards_match() {
        let mut vocab = Vocab::default();
        let mut b = Phrases::builder();
        b.add(&mut vocab, "cut", 1, |o, n| *o = n);
        b.add(&mut vocab, "cut * guidance", 2, |o, n| *o = n);
        b.add(&mut vocab, "may #", 3, |o, n| *o = n);
        let p = b.build(&vocab);
        let mut t = Tokens::default();
        t.tokenize("They cut their guidance in May 2025");
        t.lookup(&vocab);
        assert_eq!(p.longest(t.ids(), 1), Some((3, &2)));
        assert_eq!(p.longest(t.ids(), 5), Some((2, &3)));
        t.tokenize("They cut, guidance");
        t.lookup(&vocab);
        assert_eq!(p.longest(t.ids(), 1), Some((1, &1)));
    }

    #[test]
    fn duplicate_phrases_merge() {
        let mut vocab = Vocab::default();
        let mut b = Phrases::builder();
        b.add(&mut vocab, "Record revenue", 1, |o, n| *o += n);
        b.add(&mut vocab, "record  revenue", 2, |o, n| *o += n);
        let p = b.build(&vocab);
        assert_eq!(p.len(), 1);
        let mut t = Tokens::default();
        t.tokenize("record revenue");
        t.lookup(&vocab);
        assert_eq!(p.longest(t.ids(), 0), Some((2, &3)));
    }
}
