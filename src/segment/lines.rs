//! Lines: text -> [`Line`]s (indentation, width, list marker), the view of the layout that
//! both heading finding and sentence splitting read.
//!
//! ```text
//! "Outlook\n  - Margins widen\n\n"
//!     -> [Line { lead: 0, text: 0, end: 7, marker: None, .. },
//!         Line { lead: 10, text: 12, end: 25, indent: 2, marker: Bullet, .. },
//!         Line { blank }]
//! ```
//!
//! Widths and indentation are counted in characters (a tab counts as four), since that is
//! what a wire service's line wrapper counted. One pass over the text, no allocation per line
//! beyond the output vector.

/// What a line starts with, after its indentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Marker {
    /// Plain text.
    None,
    /// A bullet: `- `, `* `, `+ `, `• `, `● `, `▪ `, `◦ `, `‣ `, `· `, `– `.
    Bullet,
    /// A list number: `1. `, `2) `, `(3) `, `a) `, `(b) `.
    Number,
    /// A Markdown ATX heading marker, `#` to `######` then a space; the level.
    Atx(u8),
    /// A rule or underline: three or more of `-`, `=`, `*`, `_`, `~` and nothing else.
    Rule,
}

/// One line of the text: byte offsets and layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Line {
    /// First byte of the line.
    pub start: usize,
    /// First non-white-space byte (`== end` for a blank line).
    pub lead: usize,
    /// First byte of the content after the marker and the spaces after it (`== lead` without
    /// a marker).
    pub text: usize,
    /// One past the last non-white-space byte.
    pub end: usize,
    /// Characters of leading white space.
    pub indent: u32,
    /// Characters from the line's start to `end`, indentation included.
    pub width: u32,
    pub marker: Marker,
}

impl Line {
    pub fn is_blank(&self) -> bool {
        self.lead == self.end
    }
}

/// Appends the lines of `text` to `out`. A final line without a newline counts; an empty
/// text has no lines.
pub(crate) fn scan(text: &str, out: &mut Vec<Line>) {
    let bytes = text.as_bytes();
    let mut start = 0;
    while start < bytes.len() {
        let stop = memchr_newline(bytes, start);
        out.push(line(text, start, stop));
        start = stop + 1;
    }
}

fn memchr_newline(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |p| from + p)
}

/// Lays out the line `text[start..stop]` (`stop` is its newline or the end of the text).
fn line(text: &str, start: usize, stop: usize) -> Line {
    let s = &text[start..stop];
    let mut indent = 0u32;
    let mut lead = stop;
    for (i, c) in s.char_indices() {
        if c.is_whitespace() {
            indent += if c == '\t' { 4 } else { 1 };
        } else {
            lead = start + i;
            break;
        }
    }
    if lead == stop {
        return Line {
            start,
            lead: stop,
            text: stop,
            end: stop,
            indent: 0,
            width: 0,
            marker: Marker::None,
        };
    }
    let end = start + s.trim_end().len();
    let content = &text[lead..end];
    let width = indent + content.chars().count() as u32;
    let (marker, skip) = marker(content);
    Line {
        start,
        lead,
        text: lead + skip,
        end,
        indent,
        width,
        marker,
    }
}

/// The marker at the start of `content` (trimmed, non-empty) and the bytes it takes with
/// the white space after it.
fn marker(content: &str) -> (Marker, usize) {
    let b = content.as_bytes();
    if is_rule(content) {
        return (Marker::Rule, content.len());
    }
    // ATX heading: 1-6 '#' then white space then text.
    let hashes = b.iter().take_while(|&&c| c == b'#').count();
    if (1..=6).contains(&hashes)
        && let Some(skip) = after_space(content, hashes)
    {
        return (Marker::Atx(hashes as u8), skip);
    }
    // Bullets.
    let first = content.chars().next().unwrap_or(' ');
    let bullet = matches!(
        first,
        '-' | '*' | '+' | '•' | '●' | '▪' | '◦' | '‣' | '·' | '–'
    );
    if bullet && let Some(skip) = after_space(content, first.len_utf8()) {
        return (Marker::Bullet, skip);
    }
    // List numbers: "12. ", "12) ", "(12) ", "a) ", "(a) ".
    let (open, body) = if b.first() == Some(&b'(') {
        (1, &b[1..])
    } else {
        (0, b)
    };
    let digits = body.iter().take_while(|c| c.is_ascii_digit()).count();
    let n = if (1..=3).contains(&digits) {
        digits
    } else if body.len() > 1 && body[0].is_ascii_alphabetic() && body[1] == b')' {
        1
    } else {
        0
    };
    if n > 0 {
        // "1.)" closes like "1)".
        let close = match (body.get(n).copied(), body.get(n + 1).copied()) {
            (Some(b'.'), Some(b')')) if open == 0 && digits > 0 => 2,
            (Some(b')'), _) => 1,
            // "(3." is not a marker, nor is "a." (an initial).
            (Some(b'.'), _) if open == 0 && digits > 0 => 1,
            _ => 0,
        };
        if close > 0
            && let Some(skip) = after_space(content, open + n + close)
        {
            return (Marker::Number, skip);
        }
    }
    (Marker::None, 0)
}

/// When `content[at..]` is white space then more text, the offset of that text.
fn after_space(content: &str, at: usize) -> Option<usize> {
    let rest = content.get(at..)?;
    let trimmed = rest.trim_start();
    (trimmed.len() < rest.len() && !trimmed.is_empty()).then(|| content.len() - trimmed.len())
}

fn is_rule(content: &str) -> bool {
    let mut marks = 0;
    for c in content.chars() {
        match c {
            '-' | '=' | '*' | '_' | '~' => marks += 1,
            ' ' | '\t' => {}
            _ => return false,
        }
    }
    marks >= 3
}

/// What a text's lines say about its layout, for telling hard-wrapped lines from lines that
/// stand alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Layout {
    /// A width (characters) that most lines reach: a line this long was wrapped, not ended.
    pub width: u32,
    /// The smallest indentation of any non-blank line; more than this opens a paragraph.
    pub base_indent: u32,
}

/// The smallest wrap width we infer; narrower texts are taken as unwrapped.
const MIN_WIDTH: u32 = 30;

impl Layout {
    /// The layout of a text's lines: the 90th percentile of non-blank line widths (never
    /// below 30 characters) and the smallest indentation.
    pub fn of(lines: &[Line]) -> Layout {
        let mut widths: Vec<u32> = lines
            .iter()
            .filter(|l| !l.is_blank() && l.marker != Marker::Rule)
            .map(|l| l.width)
            .collect();
        let base_indent = lines
            .iter()
            .filter(|l| !l.is_blank())
            .map(|l| l.indent)
            .min()
            .unwrap_or(0);
        if widths.is_empty() {
            return Layout {
                width: MIN_WIDTH,
                base_indent,
            };
        }
        let k = (widths.len() * 9 / 10).min(widths.len() - 1);
        let (_, w, _) = widths.select_nth_unstable(k);
        Layout {
            width: (*w).max(MIN_WIDTH),
            base_indent,
        }
    }

    /// Whether `next`'s first word would have fit on `line`: then `line` was not wrapped
    /// there but ended on purpose (a heading, a short list line, a table row).
    pub fn stands_alone(&self, text: &str, line: &Line, next: &Line) -> bool {
        let room = self.width.max(line.width).max(next.width);
        line.width + 1 + first_word_width(&text[next.text..next.end]) <= room
    }
}

/// Characters up to the first white space (at most 64, which is wider than any wrap gap).
pub(crate) fn first_word_width(s: &str) -> u32 {
    s.chars()
        .take(64)
        .take_while(|c| !c.is_whitespace())
        .count() as u32
}

/// Closing punctuation that may follow a sentence's final mark.
pub(crate) fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '’' | ')' | ']' | '»' | '*' | '_')
}

/// The last character of `s` that is not closing punctuation.
pub(crate) fn last_before_closers(s: &str) -> Option<char> {
    s.chars().rev().find(|&c| !is_closer(c))
}

/// Whether `s` (a trimmed line's content) ends with a sentence's final mark, possibly inside
/// quotes or parentheses.
pub(crate) fn ends_sentence(s: &str) -> bool {
    matches!(last_before_closers(s), Some('.' | '?' | '!' | '…'))
}

/// Whether `s` starts with a lowercase word that is not camel case ("said", not "iPhone"):
/// then it continues the line before it.
pub(crate) fn starts_lowercase(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_lowercase() => !chars
            .take(12)
            .take_while(|c| c.is_alphanumeric())
            .any(|c| c.is_uppercase()),
        _ => false,
    }
}

/// Short words that end a line only when the sentence goes on: a line ending with one was
/// wrapped.
pub(crate) fn is_function_word(word: &str) -> bool {
    matches!(
        word,
        "a" | "an"
            | "the"
            | "and"
            | "or"
            | "but"
            | "nor"
            | "of"
            | "to"
            | "in"
            | "on"
            | "at"
            | "by"
            | "for"
            | "from"
            | "with"
            | "as"
            | "than"
            | "that"
            | "which"
            | "who"
            | "its"
            | "their"
            | "his"
            | "her"
            | "our"
            | "into"
            | "onto"
            | "over"
            | "per"
            | "via"
            | "is"
            | "are"
            | "was"
            | "were"
            | "be"
            | "been"
            | "has"
            | "have"
            | "had"
            | "will"
            | "would"
            | "could"
            | "should"
            | "may"
            | "might"
            | "said"
    )
}

/// Whether a line ending in `s` must go on to the next line: it ends with a comma, a dash,
/// an opening bracket or a function word.
pub(crate) fn ends_open(s: &str) -> bool {
    match s.chars().next_back() {
        Some(',' | ';' | '(' | '[' | '/' | '&' | '-' | '–' | '—' | '+' | '=') => true,
        Some(c) if c.is_alphabetic() => {
            let word = s.rsplit(|c: char| !c.is_alphabetic()).next().unwrap_or("");
            is_function_word(word)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<Line> {
        let mut out = Vec::new();
        scan(text, &mut out);
        out
    }

    #[test]
    fn offsets_and_blank_lines() {
        let l = lines("Outlook\n  Margins widen.  \n\n\tEnd");
        assert_eq!(l.len(), 4);
        assert_eq!((l[0].lead, l[0].end, l[0].width), (0, 7, 7));
        assert_eq!(
            (l[1].lead, l[1].end, l[1].indent, l[1].width),
            (10, 24, 2, 16)
        );
        assert!(l[2].is_blank());
        assert_eq!((l[3].indent, l[3].lead), (4, 29));
        assert!(lines("").is_empty());
        assert_eq!(lines("a\n").len(), 1);
    }

    #[test]
    fn markers() {
        let m = |s: &str| lines(s)[0].marker;
        assert_eq!(m("- Revenue rose"), Marker::Bullet);
        assert_eq!(m("• Revenue rose"), Marker::Bullet);
        assert_eq!(m("* Revenue rose"), Marker::Bullet);
        assert_eq!(m("1. Background"), Marker::Number);
        assert_eq!(m("12) Outlook"), Marker::Number);
        assert_eq!(m("3.) Outlook"), Marker::Number);
        assert_eq!(m("(b) Outlook"), Marker::Number);
        assert_eq!(m("## Outlook"), Marker::Atx(2));
        assert_eq!(m("-----"), Marker::Rule);
        assert_eq!(m("= = ="), Marker::Rule);
        // Not markers: a negative number, a year, an initial, a hashtag, bold text.
        assert_eq!(m("-5% on the day"), Marker::None);
        assert_eq!(m("2025. A record year"), Marker::None);
        assert_eq!(m("J. Smith said"), Marker::None);
        assert_eq!(m("#AI stocks"), Marker::None);
        assert_eq!(m("**Outlook**"), Marker::None);
        assert_eq!(m("-"), Marker::None);
        let l = &lines("  - Revenue rose")[0];
        assert_eq!(&"  - Revenue rose"[l.text..l.end], "Revenue rose");
    }

    #[test]
    fn layout_width_is_a_high_percentile() {
        let text = "a\n".to_string() + &"x".repeat(60) + "\n" + &"y".repeat(64) + "\n";
        let layout = Layout::of(&lines(&text));
        assert_eq!(layout.width, 64);
        assert_eq!(Layout::of(&lines("ab\ncd")).width, MIN_WIDTH);
    }

    #[test]
    fn line_end_cues() {
        assert!(ends_sentence("Shares rose."));
        assert!(ends_sentence("He said \"we will grow.\""));
        assert!(ends_sentence("(See below.)"));
        assert!(!ends_sentence("What Happened"));
        assert!(starts_lowercase("said the company"));
        assert!(!starts_lowercase("iPhone sales"));
        assert!(ends_open("revenue rose to"));
        assert!(ends_open("NEW YORK, May 4 (Reuters) -"));
        assert!(!ends_open("What Happened"));
    }
}
