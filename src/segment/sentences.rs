//! Sentences: `Document.sections` -> `Document.sentences`, and [`split`] for any text.
//!
//! ```text
//! "Apple Inc. rose 3.5% to $201.10. Analysts at J.P. Morgan said \"demand held up.\" Shares of\n
//!  BRK.B were flat.\n- Margins widened\n- Costs fell"
//!     -> ["Apple Inc. rose 3.5% to $201.10.",
//!         "Analysts at J.P. Morgan said \"demand held up.\"",
//!         "Shares of\nBRK.B were flat.", "Margins widened", "Costs fell"]
//! ```
//!
//! The splitter is one linear pass in two layers:
//!
//! 1. Lines group into *blocks* (see `segment::lines`). A blank line, a rule, a bullet
//!    or list number, a Markdown heading, and a line indented deeper than the text's base
//!    indentation after a line that ends a sentence all end a block. Otherwise two lines join
//!    when the first was hard-wrapped: it ends with a comma, dash or function word, the next
//!    starts in lowercase, or the next line's first word would not have fit on it (the
//!    text's wrap width is the 90th percentile of its line widths). A short line that does
//!    not end a sentence and is followed by one whose first word would have fit (a heading,
//!    a byline, an unmarked list line) stands alone.
//! 2. Within a block, `.`, `?`, `!`, `…` (with any closing quotes and brackets after them)
//!    end a sentence when white space follows and the next word allows it:
//!    - after an ordinary word: anything but a lowercase word ("iPhone" counts as capitalized);
//!    - `?`/`!`: anything but a lowercase word;
//!    - an ellipsis: a capitalized word other than "I" (four dots end a sentence like one);
//!    - a title ("Mr.", "Dr.", "Sen."), "vs.", "e.g.", "approx.": never;
//!    - a company suffix ("Inc.", "Corp.", "Co.", "Ltd.", "Plc."): a capitalized word unless it
//!      goes on with the name or a role ("Apple Inc. Chief Executive Tim Cook", "Samsung
//!      Electronics Co. Ltd."), or an opening bracket ("Apple Inc. (AAPL)");
//!    - an initial, a month, a state, "U.S.", "a.m.", "Jr.", "St.": only a typical sentence
//!      opener ("The", "It", "Shares", "However", ...), so "J.P. Morgan", "the U.S. Treasury"
//!      and "Jan. 5" stay whole while "... in the U.S. The company ..." splits;
//!    - "No."/"Nos." before a number or `#`: never.
//!
//!    In an item that starts with a list number, the next number written inline ("1. Cut costs
//!    2. Sell the unit") starts a new sentence, which keeps it.
//!
//!    A mark inside quotes or brackets that close within the block (at most 1000 bytes
//!    on) never ends a sentence there: `"We grew. We hired," she said.` is one sentence, while
//!    `He said "we will grow." Shares rose.` ends after the closing quote.
//!
//! Spans are byte ranges into the text; they start and end at non-white-space characters, may
//! contain the newlines of a hard-wrapped sentence, and leave out bullet markers and list
//! numbers at the start of a line.
//!
//! Known limits: lines of lowercase words without markers join as if wrapped; single quotes
//! do not protect what they enclose (they double as apostrophes); "at 6 P.M. Mr. Smith ..."
//! stays one sentence; a company suffix before a name that goes on with the same sentence
//! ("stakes in Acme Corp. Nvidia and AMD") splits there.

use super::abbrev::{self, Abbrev};
use super::lines::{self, Layout, Line, Marker};
use crate::document::{Document, Section, Sentence, Span};
use crate::error::Result;
use crate::pipeline::Stage;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::sync::LazyLock;

/// Settings of the sentence splitter.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// More abbreviations (without the final period, any case), treated like "Jan." or
    /// "U.S.": a period after one ends a sentence only before a typical sentence opener.
    pub abbreviations: Vec<String>,
}

/// The sentence splitter, built once from its [`Config`].
#[derive(Debug, Clone, Default)]
pub struct Splitter {
    /// Lowercase.
    extra: HashSet<String>,
}

/// Quotes and brackets longer than this (bytes) do not protect the marks inside them: an
/// unbalanced quote must not swallow a paragraph.
const MAX_REGION: usize = 1000;

/// How far back a word before a period is read (bytes); longer runs are ordinary words.
const MAX_WORD: usize = 40;

static DEFAULT: LazyLock<Splitter> = LazyLock::new(Splitter::default);

/// Splits `text` into sentences, appending their spans (byte offsets into `text`) to `out`.
///
/// ```
/// let text = "Shares of Apple Inc. rose 2%. The U.S. market gained.\n- Margins widened";
/// let mut spans = Vec::new();
/// finnews::segment::sentences::split(text, &mut spans);
/// let sentences: Vec<&str> = spans.iter().map(|s| s.of(text)).collect();
/// assert_eq!(sentences, ["Shares of Apple Inc. rose 2%.", "The U.S. market gained.", "Margins widened"]);
/// ```
pub fn split(text: &str, out: &mut Vec<Span>) {
    DEFAULT.split(text, out);
}

/// Reusable buffers for one text.
#[derive(Debug, Default)]
struct Scratch {
    /// Protected `(open, close)` byte positions of quotes and brackets, by `open`.
    regions: Vec<(usize, usize)>,
    /// Open brackets: position and the closing character that matches.
    stack: Vec<(usize, char)>,
}

impl Splitter {
    pub fn new(config: &Config) -> Self {
        Splitter {
            extra: config
                .abbreviations
                .iter()
                .map(|a| a.trim().trim_end_matches('.').to_ascii_lowercase())
                .filter(|a| !a.is_empty())
                .collect(),
        }
    }

    /// Splits `text` into sentences, appending their spans to `out`.
    pub fn split(&self, text: &str, out: &mut Vec<Span>) {
        let mut lines = Vec::new();
        lines::scan(text, &mut lines);
        let layout = Layout::of(&lines);
        let mut scratch = Scratch::default();
        self.split_lines(text, &lines, layout, 0, text.len(), &mut scratch, out);
    }

    /// Splits the part `from..to` of `text`, whose lines are `lines`.
    #[allow(clippy::too_many_arguments)]
    fn split_lines(
        &self,
        text: &str,
        lines: &[Line],
        layout: Layout,
        from: usize,
        to: usize,
        scratch: &mut Scratch,
        out: &mut Vec<Span>,
    ) {
        let first = lines.partition_point(|l| l.end <= from);
        // The open block and the line before this one, with its marker as read in context.
        let mut block: Option<Block> = None;
        let mut prev: Option<(&Line, Marker)> = None;
        for line in &lines[first..] {
            if line.start >= to {
                break;
            }
            if line.is_blank() || line.marker == Marker::Rule {
                self.flush(text, block.take(), scratch, out);
                prev = None;
                continue;
            }
            let mut marker = line.marker;
            let mut start = line.text;
            if marker == Marker::Number && !number_allowed(text, layout, prev, line) {
                marker = Marker::None;
                start = line.lead;
            }
            let start = start.max(from);
            let end = line.end.min(to);
            if start >= end {
                self.flush(text, block.take(), scratch, out);
                prev = None;
                continue;
            }
            let hard = match prev {
                None => true,
                Some((p, pm)) => hard_break(text, layout, p, pm, line, marker),
            };
            match &mut block {
                Some(b) if !hard => b.end = end,
                _ => {
                    self.flush(text, block.take(), scratch, out);
                    let list_next = (marker == Marker::Number)
                        .then(|| list_number(&text[line.lead..line.text]))
                        .flatten()
                        .map(|n| n + 1);
                    block = Some(Block {
                        start,
                        end,
                        list_next,
                    });
                }
            }
            prev = Some((line, marker));
        }
        self.flush(text, block, scratch, out);
    }

    fn flush(&self, text: &str, block: Option<Block>, scratch: &mut Scratch, out: &mut Vec<Span>) {
        if let Some(block) = block {
            self.split_block(text, block, scratch, out);
        }
    }

    /// Splits one block (trimmed, non-empty) into sentences.
    fn split_block(&self, text: &str, block: Block, scratch: &mut Scratch, out: &mut Vec<Span>) {
        let Block {
            start,
            end,
            mut list_next,
        } = block;
        protected_regions(text, start, end, scratch);
        let regions = &scratch.regions;
        let mut next_region = 0;
        let mut guard = 0; // the furthest close of a region opened so far
        let mut sentence = start;
        let mut i = start;
        while i < end {
            let c = char_at(text, i);
            if let (Some(n), '.' | ')') = (list_next, c)
                && let Some((number, after)) = inline_number(text, start, end, i, n)
            {
                // "1. Cut costs 2. Sell the unit": the next number opens an item.
                let before = start + text[start..number].trim_end().len();
                if sentence < before {
                    out.push(Span::new(sentence, before));
                }
                sentence = number;
                list_next = Some(n + 1);
                i = after;
                continue;
            }
            if !matches!(c, '.' | '?' | '!' | '…') {
                i += c.len_utf8();
                continue;
            }
            let run = Run::read(text, i, end);
            let k = run.after_closers;
            if k >= end {
                break;
            }
            if !char_at(text, k).is_whitespace() {
                i = run.after_marks;
                continue;
            }
            while next_region < regions.len() && regions[next_region].0 < k {
                guard = guard.max(regions[next_region].1);
                next_region += 1;
            }
            if k <= guard {
                i = k;
                continue;
            }
            let next_start = skip_space(text, k, end);
            if next_start < end && self.ends_here(text, start, i, &run, next_start, end) {
                out.push(Span::new(sentence, k));
                sentence = next_start;
            }
            i = next_start;
        }
        if sentence < end {
            out.push(Span::new(sentence, end));
        }
    }

    /// Whether the marks `run` at `i` end a sentence, given the next word at `next`.
    fn ends_here(
        &self,
        text: &str,
        block_start: usize,
        i: usize,
        run: &Run,
        next: usize,
        end: usize,
    ) -> bool {
        let next = NextWord::at(text, next, end);
        let word = word_before(text, block_start, i);
        if run.question_or_bang {
            // Brand names with an exclamation mark go on: "Yahoo! Finance".
            let brand = run.dots == 0 && matches!(word, "Yahoo" | "Jeopardy");
            return !next.lower && !brand;
        }
        if run.ellipsis || run.dots == 3 {
            return next.upper && next.word != "I";
        }
        if run.dots > 3 {
            return !next.lower;
        }
        let kind = match abbrev::classify(word) {
            Abbrev::Word if self.is_extra(word) => Abbrev::Starter,
            kind => kind,
        };
        match kind {
            Abbrev::Word => !next.lower,
            Abbrev::Title | Abbrev::Never => false,
            Abbrev::Numero => !next.lower && !next.digit && next.first != '#',
            Abbrev::Starter => next.upper && !next.bracket && abbrev::is_starter(next.word),
            Abbrev::Company => next.upper && !next.bracket && !abbrev::continues_company(next.word),
        }
    }

    /// Whether `word` is one of the configured abbreviations (compared in ASCII lowercase,
    /// without allocating).
    fn is_extra(&self, word: &str) -> bool {
        if self.extra.is_empty() || word.len() > 32 {
            return false;
        }
        let mut buf = [0u8; 32];
        let lower = &mut buf[..word.len()];
        lower.copy_from_slice(word.as_bytes());
        lower.make_ascii_lowercase();
        std::str::from_utf8(lower).is_ok_and(|w| self.extra.contains(w))
    }
}

/// Lines joined into one stretch of text, and the number its list item would go on with.
#[derive(Debug, Clone, Copy)]
struct Block {
    start: usize,
    end: usize,
    list_next: Option<u32>,
}

/// The number of a list marker such as `3.`, `3)`, `(3)`; `None` for letters.
fn list_number(marker: &str) -> Option<u32> {
    marker
        .trim()
        .trim_start_matches('(')
        .trim_end_matches(['.', ')'])
        .parse()
        .ok()
}

/// Whether the `.` or `)` at `i` closes the list number `n` written inline, after white
/// space and before a word that is not lowercase ("... item 2. The second ..."): the
/// number's start and the position after the marker.
fn inline_number(text: &str, start: usize, end: usize, i: usize, n: u32) -> Option<(usize, usize)> {
    let digits = text[start..i]
        .bytes()
        .rev()
        .take_while(u8::is_ascii_digit)
        .count();
    let number = i - digits;
    if digits == 0 || digits > 3 || number == start || text[number..i].parse() != Ok(n) {
        return None;
    }
    if !text[start..number].ends_with(char::is_whitespace) {
        return None;
    }
    let mut after = i + 1;
    if text.as_bytes()[i] == b'.' && text.as_bytes().get(after) == Some(&b')') {
        after += 1;
    }
    let next = skip_space(text, after, end);
    (next > after && next < end && !NextWord::at(text, next, end).lower).then_some((number, after))
}

/// A run of sentence marks and the closing quotes and brackets after it.
#[derive(Debug)]
struct Run {
    dots: usize,
    question_or_bang: bool,
    ellipsis: bool,
    after_marks: usize,
    after_closers: usize,
}

impl Run {
    fn read(text: &str, at: usize, end: usize) -> Run {
        let b = text.as_bytes();
        let mut run = Run {
            dots: 0,
            question_or_bang: false,
            ellipsis: false,
            after_marks: at,
            after_closers: at,
        };
        let mut j = at;
        while j < end {
            match char_at(text, j) {
                '.' => run.dots += 1,
                '?' | '!' => run.question_or_bang = true,
                '…' => run.ellipsis = true,
                // A spaced ellipsis: ". . ."
                ' ' if run.dots > 0
                    && b.get(j - 1) == Some(&b'.')
                    && b.get(j + 1) == Some(&b'.')
                    && j + 1 < end => {}
                _ => break,
            }
            j += char_at(text, j).len_utf8();
        }
        run.after_marks = j;
        while j < end {
            let c = char_at(text, j);
            if !lines::is_closer(c) {
                break;
            }
            j += c.len_utf8();
        }
        run.after_closers = j;
        run
    }
}

/// The word after a possible boundary, past opening quotes and brackets.
#[derive(Debug)]
struct NextWord<'a> {
    word: &'a str,
    first: char,
    upper: bool,
    lower: bool,
    digit: bool,
    bracket: bool,
}

impl<'a> NextWord<'a> {
    fn at(text: &'a str, at: usize, end: usize) -> NextWord<'a> {
        let mut i = at;
        let mut bracket = false;
        while i < end {
            let c = char_at(text, i);
            match c {
                '"' | '“' | '‘' | '\'' | '«' => {}
                '(' | '[' => bracket = true,
                _ => break,
            }
            i += c.len_utf8();
        }
        let rest = &text[i..end];
        let first = rest.chars().next().unwrap_or(' ');
        let mut len = 0;
        for c in rest.chars().take(24) {
            if !(c.is_alphanumeric() || c == '\'' || c == '-') {
                break;
            }
            len += c.len_utf8();
        }
        let word = &rest[..len];
        let camel = first.is_lowercase() && word.chars().any(char::is_uppercase);
        NextWord {
            word,
            first,
            upper: first.is_uppercase() || camel,
            lower: first.is_lowercase() && !camel,
            digit: first.is_ascii_digit(),
            bracket,
        }
    }
}

/// The word before the mark at `i`: back to white space (or the block's start), without
/// opening quotes and brackets before it or closing ones after it. Empty when longer than
/// [`MAX_WORD`] bytes.
fn word_before(text: &str, block_start: usize, i: usize) -> &str {
    let mut lo = i.saturating_sub(MAX_WORD).max(block_start);
    while !text.is_char_boundary(lo) {
        lo += 1;
    }
    let window = &text[lo..i];
    let word = match window.rfind(char::is_whitespace) {
        Some(p) => &window[p + window[p..].chars().next().map_or(1, char::len_utf8)..],
        None if lo == block_start => window,
        None => return "",
    };
    word.trim_start_matches(['(', '[', '"', '“', '‘', '\''])
        .trim_end_matches(lines::is_closer)
}

fn char_at(text: &str, i: usize) -> char {
    text[i..].chars().next().unwrap_or(' ')
}

fn skip_space(text: &str, mut i: usize, end: usize) -> usize {
    while i < end {
        let c = char_at(text, i);
        if !c.is_whitespace() {
            break;
        }
        i += c.len_utf8();
    }
    i
}

/// Whether the line break between `a` (with marker `am`) and `b` (with marker `bm`) ends a
/// block.
fn hard_break(text: &str, layout: Layout, a: &Line, am: Marker, b: &Line, bm: Marker) -> bool {
    if bm != Marker::None || matches!(am, Marker::Atx(_)) {
        return true;
    }
    let a_text = &text[a.text..a.end];
    let b_text = &text[b.text..b.end];
    if lines::ends_sentence(a_text) {
        // A sentence ends at the line's end; a deeper indent opens a paragraph.
        return b.indent > layout.base_indent && !lines::starts_lowercase(b_text);
    }
    if lines::starts_lowercase(b_text) || b_text.starts_with([',', ';', ':', ')', ']', '%']) {
        return false;
    }
    if lines::ends_open(a_text) {
        return false;
    }
    layout.stands_alone(text, a, b)
}

/// Whether a list number at the start of `line` is a marker: at the start, after another
/// item, after a line that ends a sentence or a clause (`:`/`;`), or after a line that
/// stands alone. Not in the middle of a wrapped sentence ("... grew by\n5. ...").
fn number_allowed(text: &str, layout: Layout, prev: Option<(&Line, Marker)>, line: &Line) -> bool {
    let Some((p, pm)) = prev else { return true };
    if pm != Marker::None {
        return true;
    }
    let p_text = &text[p.text..p.end];
    lines::ends_sentence(p_text)
        || p_text.ends_with([':', ';'])
        || (!lines::ends_open(p_text) && layout.stands_alone(text, p, line))
}

/// Fills `scratch.regions` with the quotes and brackets that open and close within
/// `start..end`, sorted by their opening position.
fn protected_regions(text: &str, start: usize, end: usize, scratch: &mut Scratch) {
    scratch.regions.clear();
    scratch.stack.clear();
    let mut quote: Option<usize> = None;
    let mut prev = ' ';
    let push = |regions: &mut Vec<(usize, usize)>, open: usize, close: usize| {
        if close - open <= MAX_REGION {
            regions.push((open, close));
        }
    };
    let mut chars = text[start..end].char_indices().peekable();
    while let Some((off, c)) = chars.next() {
        let p = start + off;
        match c {
            '(' => scratch.stack.push((p, ')')),
            '[' => scratch.stack.push((p, ']')),
            ')' | ']' => {
                if let Some(&(open, want)) = scratch.stack.last()
                    && want == c
                {
                    scratch.stack.pop();
                    push(&mut scratch.regions, open, p);
                }
            }
            '“' => quote = Some(p),
            '”' => {
                if let Some(open) = quote.take() {
                    push(&mut scratch.regions, open, p);
                }
            }
            '"' => {
                let next = chars.peek().map_or(' ', |&(_, n)| n);
                let opens = prev.is_whitespace() || matches!(prev, '(' | '[' | '—' | '-');
                let closes = next.is_whitespace() || next.is_ascii_punctuation() || next == '—';
                if opens && !closes {
                    quote = Some(p);
                } else if closes && !opens {
                    if let Some(open) = quote.take() {
                        push(&mut scratch.regions, open, p);
                    }
                } else if let Some(open) = quote.take() {
                    push(&mut scratch.regions, open, p);
                } else {
                    quote = Some(p);
                }
            }
            _ => {}
        }
        prev = c;
    }
    scratch.regions.sort_unstable();
}

/// The sentence stage: splits each section's body (the section without its heading line).
pub struct Sentences {
    splitter: Splitter,
}

impl Sentences {
    pub fn new(config: &Config) -> Self {
        Sentences {
            splitter: Splitter::new(config),
        }
    }
}

impl Stage for Sentences {
    fn name(&self) -> &'static str {
        "sentences"
    }

    fn apply(&self, doc: &mut Document) -> Result<()> {
        doc.sentences.clear();
        let text = doc.text.as_str();
        let Some(last) = text.rfind(|c: char| !c.is_whitespace()) else {
            return Ok(());
        };
        if doc.sections.is_empty() {
            // Run without the sections stage: the whole text is one lead.
            doc.sections.push(Section {
                heading: None,
                span: Span::new(0, last + char_at(text, last).len_utf8()),
                sentiment: None,
            });
        }
        let mut lines = Vec::new();
        lines::scan(text, &mut lines);
        let layout = Layout::of(&lines);
        let mut scratch = Scratch::default();
        let mut spans = Vec::new();
        for (index, section) in doc.sections.iter().enumerate() {
            spans.clear();
            let from = body_start(text, section);
            self.splitter.split_lines(
                text,
                &lines,
                layout,
                from,
                section.span.end,
                &mut scratch,
                &mut spans,
            );
            doc.sentences.extend(spans.iter().map(|&span| Sentence {
                span,
                section: index,
                sentiment: None,
                claim: None,
                entities: Vec::new(),
            }));
        }
        Ok(())
    }
}

/// Where a section's body starts: after its heading line (and whatever closes the heading on
/// that line, such as `**` or closing `#`s), or at the section's start for a lead.
pub(crate) fn body_start(text: &str, section: &Section) -> usize {
    let Some(heading) = section.heading else {
        return section.span.start;
    };
    let line_end = text[heading.end..]
        .find('\n')
        .map_or(text.len(), |p| heading.end + p);
    let rest = &text[heading.end..line_end];
    if rest
        .chars()
        .all(|c| c.is_whitespace() || matches!(c, '#' | '*' | '_'))
    {
        (line_end + 1).min(section.span.end.max(heading.end))
    } else {
        heading.end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sents(text: &str) -> Vec<&str> {
        let mut spans = Vec::new();
        split(text, &mut spans);
        spans.iter().map(|s| s.of(text)).collect()
    }

    #[test]
    fn plain_sentences() {
        assert_eq!(
            sents("Shares rose. Bonds fell! Why? Because."),
            ["Shares rose.", "Bonds fell!", "Why?", "Because."]
        );
        assert_eq!(sents("  \n\n "), Vec::<&str>::new());
        assert_eq!(sents("No final mark"), ["No final mark"]);
    }

    #[test]
    fn numbers_tickers_urls_stay_whole() {
        assert_eq!(
            sents(
                "Revenue rose 3.5% to $3.5 billion, or 1.2x. BRK.B gained. See example.com/ir. Done."
            ),
            [
                "Revenue rose 3.5% to $3.5 billion, or 1.2x.",
                "BRK.B gained.",
                "See example.com/ir.",
                "Done."
            ]
        );
    }

    #[test]
    fn company_suffix_splits_unless_a_role_follows() {
        assert_eq!(
            sents("He bought shares of Apple Inc. The stock rose."),
            ["He bought shares of Apple Inc.", "The stock rose."]
        );
        assert_eq!(
            sents("Apple Inc. Chief Executive Tim Cook spoke."),
            ["Apple Inc. Chief Executive Tim Cook spoke."]
        );
        assert_eq!(
            sents("Apple Inc. (AAPL) rose."),
            ["Apple Inc. (AAPL) rose."]
        );
        assert_eq!(
            sents("Samsung Electronics Co. Ltd. fell."),
            ["Samsung Electronics Co. Ltd. fell."]
        );
        assert_eq!(
            sents("It sold to Acme Corp. Nvidia rose."),
            ["It sold to Acme Corp.", "Nvidia rose."]
        );
    }

    #[test]
    fn starter_abbreviations_split_only_before_openers() {
        assert_eq!(
            sents("The U.S. Treasury sold bills."),
            ["The U.S. Treasury sold bills."]
        );
        assert_eq!(
            sents("Sales grew in the U.S. The euro fell."),
            ["Sales grew in the U.S.", "The euro fell."]
        );
        assert_eq!(
            sents("J.P. Morgan and John D. Rockefeller."),
            ["J.P. Morgan and John D. Rockefeller."]
        );
        assert_eq!(
            sents("It reports on Jan. 28 at 4 p.m. Eastern."),
            ["It reports on Jan. 28 at 4 p.m. Eastern."]
        );
        assert_eq!(
            sents("It closed at 4 p.m. Shares then fell."),
            ["It closed at 4 p.m.", "Shares then fell."]
        );
    }

    #[test]
    fn titles_numero_never() {
        assert_eq!(
            sents("Mr. Huang and Dr. Su spoke."),
            ["Mr. Huang and Dr. Su spoke."]
        );
        assert_eq!(
            sents("It ranks No. 2 in chips."),
            ["It ranks No. 2 in chips."]
        );
        assert_eq!(
            sents("Bulls vs. Bears is a show."),
            ["Bulls vs. Bears is a show."]
        );
        assert_eq!(
            sents("It sits at N°. 1026.253.553. That is all."),
            ["It sits at N°. 1026.253.553.", "That is all."]
        );
    }

    #[test]
    fn quotes_and_brackets() {
        assert_eq!(
            sents("He said \"we will grow.\" Shares rose."),
            ["He said \"we will grow.\"", "Shares rose."]
        );
        assert_eq!(
            sents("\"We grew. We hired,\" she said. Fine."),
            ["\"We grew. We hired,\" she said.", "Fine."]
        );
        assert_eq!(
            sents("Shares fell. (The firm declined to comment.) Bonds rose."),
            [
                "Shares fell.",
                "(The firm declined to comment.)",
                "Bonds rose."
            ]
        );
        assert_eq!(
            sents("\"Why?\" asked one trader."),
            ["\"Why?\" asked one trader."]
        );
    }

    #[test]
    fn ellipses() {
        assert_eq!(
            sents("Stocks fell... Then they rose."),
            ["Stocks fell...", "Then they rose."]
        );
        assert_eq!(
            sents("It was ... fine, I think."),
            ["It was ... fine, I think."]
        );
        assert_eq!(
            sents("It fell . . . and I sold."),
            ["It fell . . . and I sold."]
        );
    }

    #[test]
    fn bullets_and_numbers_are_items() {
        assert_eq!(
            sents("Risks include:\n- supply\n* demand shifts\n1. Pricing\n2) Rates"),
            [
                "Risks include:",
                "supply",
                "demand shifts",
                "Pricing",
                "Rates"
            ]
        );
        // An item that goes on with the next number inline, and one whose numbers are
        // not a sequence.
        assert_eq!(
            sents("1. Cut costs 2. Sell the unit\n7) Revenue rose to 9. Costs fell."),
            [
                "Cut costs",
                "2. Sell the unit",
                "Revenue rose to 9.",
                "Costs fell."
            ]
        );
        // A number in a wrapped sentence is not a list number.
        let text =
            "The company said its rank in the market rose to number\n5. It did not say more.";
        assert_eq!(
            sents(text),
            [
                "The company said its rank in the market rose to number\n5.",
                "It did not say more."
            ]
        );
    }

    #[test]
    fn hard_wrapped_text() {
        let text = "    Shares of the chipmaker rose 4% on Tuesday after the company\n\
                    raised its outlook for the year. Analysts said the guidance\n\
                    was conservative.\n\
                    \x20   The stock has doubled since January, and Apple Inc.\n\
                    Chief Executive Tim Cook said demand stayed strong.\n";
        assert_eq!(
            sents(text),
            [
                "Shares of the chipmaker rose 4% on Tuesday after the company\nraised its outlook for the year.",
                "Analysts said the guidance\nwas conservative.",
                "The stock has doubled since January, and Apple Inc.\nChief Executive Tim Cook said demand stayed strong."
            ]
        );
    }

    #[test]
    fn short_lines_stand_alone() {
        let text = "Chip stocks rallied on Tuesday as demand for servers rose sharply.\n\
                    What Happened\n\
                    Nvidia rose 3% in early trading, extending its gains this week.\n";
        assert_eq!(
            sents(text),
            [
                "Chip stocks rallied on Tuesday as demand for servers rose sharply.",
                "What Happened",
                "Nvidia rose 3% in early trading, extending its gains this week."
            ]
        );
        // A dateline goes on into the sentence.
        let text = "NEW YORK, May 4 (Reuters) -\nShares of Apple rose.";
        assert_eq!(
            sents(text),
            ["NEW YORK, May 4 (Reuters) -\nShares of Apple rose."]
        );
    }

    #[test]
    fn extra_abbreviations() {
        let splitter = Splitter::new(&Config {
            abbreviations: vec!["Hldg.".into(), "Grp".into()],
        });
        let text = "It bought Acme Grp. Finance unit.";
        let mut spans = Vec::new();
        splitter.split(text, &mut spans);
        assert_eq!(spans.len(), 1);
    }

    #[test]
    fn linear_on_pathological_input() {
        // No white space at all, and a long run of brackets: still one fast pass.
        let text = "a.".repeat(200_000) + &"(".repeat(100_000) + &".".repeat(10_000);
        let mut spans = Vec::new();
        split(&text, &mut spans);
        assert_eq!(spans.len(), 1);
    }
}
