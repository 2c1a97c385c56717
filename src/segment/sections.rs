//! Sections: `Document.text` (and, for HTML, `Document.known_headings`) -> `Document.sections`.
//!
//! ```text
//! "Chip stocks rallied on Tuesday.\nWhat Happened\nNvidia rose 3%.\n\n## 2. Outlook\nMore."
//!     -> [{heading: None,                start: 0},
//!         {heading: Some("What Happened"), start: 32},
//!         {heading: Some("2. Outlook"),    start: 63}]
//! ```
//!
//! A heading is a line that is one of:
//!
//! - a Markdown ATX heading (`#` to `######`, a space, text; closing `#`s dropped), in any
//!   format, since a line that starts with `# ` is clearly one;
//! - in Markdown, a setext heading (a line underlined with `===` or `---`);
//! - a line that is all bold (`**Outlook**`, `__Outlook__`): the heading is the text inside;
//! - for HTML, exactly the headings the loader found (`h1`-`h6`), no guessing;
//! - otherwise a *standing* line: short (at most `max_heading_words` words and
//!   `max_heading_chars` characters), title-like (Title Case, ALL CAPS, or sentence case in at
//!   most four words, or eight with a blank line on both sides; starting with a capital or a
//!   digit), not ending like a sentence or a clause (`.`, `!`,
//!   `,`, `;`, `:`, a dash; `?` only in Title Case; `:` only in ALL CAPS), numbered or not
//!   ("1. Background", "2) Outlook" keep their numbers), after the start, a blank line or a
//!   line that ends a sentence, and before body text that it does not run into (the next
//!   line's first word would have fit on it, see `segment::lines`).
//!
//! Not headings: datelines ("NEW YORK, May 4 (Reuters) -" ends with a dash and runs into its
//! sentence), the short last line of a hard-wrapped paragraph (it follows a line that does not
//! end a sentence), bullets, unmarked list lines after a line ending with `:`, numbered list
//! items (a number right after another numbered line, or before one), table rows (three or
//! more spaces in a row, tabs, `|`, mostly digits), a last line with no body after it, and
//! bylines ("By Jane Doe"), which stay in the lead as a sentence of their own.
//!
//! A text that starts before its first heading has a lead section (`heading: None`) from 0.
//! Each section runs from its heading line's first non-white-space character to the last
//! non-white-space character before the next section.

use super::lines::{self, Layout, Line, Marker};
use crate::document::{Document, Format, Section, Span};
use crate::error::Result;
use crate::pipeline::Stage;
use serde::{Deserialize, Serialize};

/// Settings of heading detection for text without markup.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// The longest heading line without markup, in characters.
    pub max_heading_chars: usize,
    /// The most words in a heading line without markup.
    pub max_heading_words: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_heading_chars: 90,
            max_heading_words: 12,
        }
    }
}

/// The section stage.
pub struct Sections {
    config: Config,
}

/// A heading found: where its section starts and the heading text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Heading {
    start: usize,
    text: Span,
}

impl Sections {
    pub fn new(config: &Config) -> Self {
        Sections {
            config: config.clone(),
        }
    }

    /// The headings of a text without known headings, in order.
    fn find(&self, text: &str, format: Format, out: &mut Vec<Heading>) {
        let mut lines = Vec::new();
        lines::scan(text, &mut lines);
        let layout = Layout::of(&lines);
        let mut prev: Option<usize> = None;
        let mut gap_before = false;
        let mut prev_heading = false;
        for i in 0..lines.len() {
            let line = &lines[i];
            if line.is_blank() {
                gap_before = true;
                continue;
            }
            let mut next = i + 1;
            while next < lines.len() && lines[next].is_blank() {
                next += 1;
            }
            let context = Context {
                text,
                format,
                lines: &lines,
                layout,
                i,
                prev: prev.map(|p| &lines[p]),
                gap_before,
                prev_heading,
                next: lines.get(next),
                gap_after: next > i + 1,
            };
            let found = self.heading(&context);
            if let Some(span) = found {
                out.push(Heading {
                    start: line.lead,
                    text: span,
                });
            }
            prev = Some(i);
            gap_before = false;
            prev_heading = found.is_some();
        }
    }

    /// The heading text of line `ctx.i`, when it is a heading.
    fn heading(&self, ctx: &Context) -> Option<Span> {
        let line = &ctx.lines[ctx.i];
        let content = &ctx.text[line.text..line.end];
        match line.marker {
            Marker::Atx(_) => return Some(atx_text(line.text, content)),
            Marker::Rule | Marker::Bullet => return None,
            Marker::Number if !ctx.text.as_bytes()[line.lead].is_ascii_digit() => return None,
            _ => {}
        }
        let after_break = ctx.prev.is_none()
            || ctx.gap_before
            || ctx.prev.is_some_and(|p| {
                matches!(p.marker, Marker::Atx(_)) || lines::ends_sentence(&ctx.text[p.text..p.end])
            });
        if !after_break {
            return None;
        }
        // Markdown setext: a line underlined with === or ---.
        if ctx.format == Format::Markdown
            && line.marker == Marker::None
            && let Some(under) = ctx.lines.get(ctx.i + 1)
            && under.marker == Marker::Rule
            && line.width as usize <= 2 * self.config.max_heading_chars
        {
            let u = &ctx.text[under.lead..under.end];
            if u.chars().all(|c| c == '=' || c == ' ') || u.chars().all(|c| c == '-' || c == ' ') {
                return Some(Span::new(line.lead, line.end));
            }
        }
        // A line all in bold.
        if line.marker == Marker::None
            && let Some(inner) = bold_inner(ctx.text, line.lead, line.end)
        {
            let s = &ctx.text[inner.start..inner.end];
            let ok = !s.is_empty()
                && !matches!(s.chars().next_back(), Some('.' | ',' | ';' | '!'))
                && s.chars().count() <= self.config.max_heading_chars
                && ctx.next.is_some();
            return ok.then_some(inner);
        }
        self.standing(ctx, line, content)
            .then(|| Span::new(line.lead, line.end))
    }

    /// Whether a line without markup is a heading (see the module docs).
    fn standing(&self, ctx: &Context, line: &Line, content: &str) -> bool {
        let numbered = line.marker == Marker::Number;
        if ctx.prev_heading {
            return false;
        }
        // Sentence case needs more room: at most four words, or a paragraph of its own.
        let own_paragraph = ctx.gap_before && ctx.gap_after;
        match self.title_style(content) {
            Some(Style::Caps | Style::Title) => {}
            Some(Style::Sentence(words)) if words <= 4 || (own_paragraph && words <= 8) => {}
            _ => return false,
        }
        if numbered && ctx.prev.is_some_and(|p| p.marker == Marker::Number) {
            return false;
        }
        let Some(next) = ctx.next else { return false };
        let next_text = &ctx.text[next.text..next.end];
        if lines::starts_lowercase(next_text)
            || matches!(next.marker, Marker::Atx(_) | Marker::Rule)
        {
            return false;
        }
        if numbered && next.marker == Marker::Number {
            return false;
        }
        if !ctx.gap_after && !ctx.layout.stands_alone(ctx.text, line, next) {
            return false;
        }
        // The next line is body text: an item, a sentence, or a long line.
        next.marker != Marker::None
            || lines::ends_sentence(next_text)
            || next_text.ends_with(':')
            || next.width >= 40
    }

    /// How `s` (a line's content, after any list number) reads as a title, or `None` when
    /// it does not.
    fn title_style(&self, s: &str) -> Option<Style> {
        let first = s.chars().next()?;
        if !(first.is_uppercase() || first.is_ascii_digit()) {
            return None;
        }
        let mut letters = 0usize;
        let mut upper = 0usize;
        let mut digits = 0usize;
        let mut visible = 0usize;
        let mut n = 0usize;
        for c in s.chars() {
            n += 1;
            if n > self.config.max_heading_chars {
                return None;
            }
            if c.is_alphabetic() {
                letters += 1;
                upper += c.is_uppercase() as usize;
            } else if c.is_ascii_digit() {
                digits += 1;
            }
            visible += !c.is_whitespace() as usize;
        }
        // Table rows and lists of figures are not titles.
        if letters < 2
            || digits * 5 > visible * 2
            || s.contains([';', '|', '\t'])
            || s.contains("   ")
        {
            return None;
        }
        // Two sentences on one line are not a title.
        if s.as_bytes().windows(3).any(|w| {
            w[0].is_ascii_lowercase() && matches!(w[1], b'.' | b'!' | b'?') && w[2] == b' '
        }) {
            return None;
        }
        let mut words = 0usize;
        let mut significant = 0usize;
        let mut capitalized = 0usize;
        for word in s.split_whitespace() {
            words += 1;
            if words > self.config.max_heading_words {
                return None;
            }
            let Some(c) = word.chars().next() else {
                continue;
            };
            if c.is_alphabetic() && !is_small_word(word) {
                significant += 1;
                capitalized += c.is_uppercase() as usize;
            }
        }
        if (words == 1 && first.is_ascii_digit()) || (words >= 2 && s.starts_with("By ")) {
            return None; // a number, a byline
        }
        let style = if upper == letters && letters >= 3 {
            Style::Caps
        } else if capitalized * 5 >= significant * 3 {
            Style::Title
        } else {
            Style::Sentence(words)
        };
        match s.chars().next_back() {
            Some('.' | ',' | ';' | '!' | '-' | '–' | '—' | '(' | '&' | '/' | '=' | '+') => None,
            Some('?') => (!matches!(style, Style::Sentence(_)) && words >= 2).then_some(style),
            Some(':') => (style == Style::Caps).then_some(style),
            _ => Some(style),
        }
    }
}

/// How a line reads as a title.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    /// ALL CAPS.
    Caps,
    /// Title Case: at least 60% of the words that are not short function words capitalized.
    Title,
    /// Sentence case, with this many words.
    Sentence(usize),
}

/// What deciding one line needs to see around it.
struct Context<'a> {
    text: &'a str,
    format: Format,
    lines: &'a [Line],
    layout: Layout,
    i: usize,
    prev: Option<&'a Line>,
    gap_before: bool,
    prev_heading: bool,
    next: Option<&'a Line>,
    gap_after: bool,
}

/// Words that Title Case leaves in lowercase.
fn is_small_word(word: &str) -> bool {
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
            | "vs"
            | "vs."
            | "per"
            | "via"
            | "into"
            | "over"
            | "up"
    )
}

/// The text of an ATX heading whose content (after the `#`s) starts at `start`: without a
/// closing run of `#`s.
fn atx_text(start: usize, content: &str) -> Span {
    let trimmed = content.trim_end_matches('#');
    let len = if trimmed.len() < content.len() && trimmed.ends_with(char::is_whitespace) {
        trimmed.trim_end().len()
    } else {
        content.len()
    };
    let len = if len == 0 { content.len() } else { len };
    Span::new(start, start + len)
}

/// The text inside a line that is all bold: `**Outlook**` or `__Outlook__`.
fn bold_inner(text: &str, lead: usize, end: usize) -> Option<Span> {
    let s = &text[lead..end];
    let marks = ["**", "__"]
        .into_iter()
        .find(|m| s.starts_with(m) && s.ends_with(m))?;
    if s.len() <= 2 * marks.len() {
        return None;
    }
    let inner = &s[marks.len()..s.len() - marks.len()];
    if inner.contains(marks) {
        return None;
    }
    let offset = inner.len() - inner.trim_start().len();
    let start = lead + marks.len() + offset;
    Some(Span::new(start, start + inner.trim().len()))
}

impl Stage for Sections {
    fn name(&self) -> &'static str {
        "sections"
    }

    fn apply(&self, doc: &mut Document) -> Result<()> {
        doc.sections.clear();
        let text = doc.text.as_str();
        let Some(first) = text.find(|c: char| !c.is_whitespace()) else {
            return Ok(());
        };
        let mut headings = Vec::new();
        if doc.format == Format::Html {
            let mut known: Vec<Span> = doc
                .known_headings
                .iter()
                .copied()
                .filter(|h| {
                    !h.is_empty()
                        && h.end <= text.len()
                        && text.is_char_boundary(h.start)
                        && text.is_char_boundary(h.end)
                })
                .collect();
            known.sort_unstable();
            known.dedup_by(|b, a| a.overlaps(*b));
            headings.extend(known.into_iter().map(|h| Heading {
                start: h.start,
                text: h,
            }));
        } else {
            self.find(text, doc.format, &mut headings);
        }
        let mut starts: Vec<(usize, Option<Span>)> = Vec::with_capacity(headings.len() + 1);
        if headings.first().is_none_or(|h| h.start > first) {
            starts.push((0, None));
        }
        starts.extend(headings.iter().map(|h| (h.start, Some(h.text))));
        for (k, &(start, heading)) in starts.iter().enumerate() {
            let limit = starts.get(k + 1).map_or(text.len(), |&(s, _)| s);
            let end = start + text[start..limit].trim_end().len();
            doc.sections.push(Section {
                heading,
                span: Span::new(start, end),
                sentiment: None,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headings(text: &str) -> Vec<Option<String>> {
        headings_in(text, Format::Plain)
    }

    fn headings_in(text: &str, format: Format) -> Vec<Option<String>> {
        let mut doc = Document::from_text("t", text);
        doc.format = format;
        Sections::new(&Config::default()).apply(&mut doc).unwrap();
        doc.sections
            .iter()
            .map(|s| s.heading.map(|h| h.of(text).to_string()))
            .collect()
    }

    const PARA: &str =
        "The chipmaker said revenue for the quarter rose to a record on strong demand.";

    #[test]
    fn plain_title_case_heading() {
        let text = format!("{PARA}\nWhat Happened\n{PARA}\n");
        assert_eq!(headings(&text), [None, Some("What Happened".into())]);
    }

    #[test]
    fn all_caps_and_numbered() {
        let text = format!(
            "{PARA}\n\nRISKS AND OUTLOOK\n{PARA}\n\n1. Background\n{PARA}\n2) Outlook\n{PARA}"
        );
        assert_eq!(
            headings(&text),
            [
                None,
                Some("RISKS AND OUTLOOK".into()),
                Some("1. Background".into()),
                Some("2) Outlook".into())
            ]
        );
    }

    #[test]
    fn markdown_headings() {
        let text = format!(
            "# Chip Rally ##\n{PARA}\n\n## Why it matters\n\n{PARA}\n\nOutlook\n=======\n{PARA}\n\n**Risks**\n{PARA}"
        );
        assert_eq!(
            headings_in(&text, Format::Markdown),
            [
                Some("Chip Rally".into()),
                Some("Why it matters".into()),
                Some("Outlook".into()),
                Some("Risks".into())
            ]
        );
    }

    #[test]
    fn sentence_case_heading_as_its_own_paragraph() {
        let text = format!(
            "{PARA}\n\nWhy the deal matters for shareholders\n\n{PARA}\nWhy the deal matters for shareholders\n{PARA}"
        );
        assert_eq!(
            headings(&text),
            [None, Some("Why the deal matters for shareholders".into())]
        );
    }

    #[test]
    fn not_headings() {
        // Dateline, byline, list after a colon, numbered list, table row, wrapped last line.
        let text = "By Jane Doe\nNEW YORK, May 4 (Reuters) -\nShares of the chipmaker rose 4% on Tuesday after the company\n\
                    raised its outlook for the year, citing demand from Apple Inc\n\
                    and Google.\n\
                    The company listed three priorities:\n\
                    Cost Cuts\n\
                    New Products\n\
                    The plan has two steps.\n\
                    1. Cut Costs\n\
                    2. Grow Sales\n\
                    Revenue   3.5   3.1\n\
                    It did not give a date.\n\
                    - Margins Widen\n\
                    The stock fell.\n\
                    Reporting by Jane Doe\n";
        assert_eq!(headings(text), [None]);
    }

    #[test]
    fn spans_and_lead() {
        let text = format!("  {PARA}\n\nOutlook\n{PARA}  \n\n");
        let mut doc = Document::from_text("t", &text);
        Sections::new(&Config::default()).apply(&mut doc).unwrap();
        let lead = &doc.sections[0];
        assert_eq!((lead.span.start, lead.span.end), (0, 2 + PARA.len()));
        let s = &doc.sections[1];
        assert_eq!(s.span.of(&text), format!("Outlook\n{PARA}"));
        assert_eq!(s.heading.unwrap().of(&text), "Outlook");
    }

    #[test]
    fn html_uses_known_headings() {
        let text = format!("{PARA}\nOutlook\n{PARA}\nNot a heading\n{PARA}");
        let mut doc = Document::from_text("t", &text);
        doc.format = Format::Html;
        let start = PARA.len() + 1;
        doc.known_headings = vec![Span::new(start, start + 7)];
        Sections::new(&Config::default()).apply(&mut doc).unwrap();
        assert_eq!(doc.sections.len(), 2);
        assert_eq!(doc.sections[1].heading.unwrap().of(&text), "Outlook");
    }

    #[test]
    fn empty_text() {
        assert!(headings("").is_empty());
        assert!(headings(" \n\n").is_empty());
        assert_eq!(headings("Just one line"), [None]);
    }
}
