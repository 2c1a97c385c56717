//! HTML page -> article text, title and heading spans.
//!
//! The article is the largest `<article>`, else `<main>`, else `<body>`. Scripts, styles,
//! navigation, headers, footers, asides and hidden elements are left out. Block elements end
//! lines, paragraphs are separated by a blank line, white space inside a paragraph collapses
//! to one space, list items become `- ` bullet lines, and every `h1`-`h6` becomes a line of its
//! own whose byte span is recorded.
//!
//! ```text
//! <title>Chip maker beats</title>            title    "Chip maker beats"
//! <h2>What happened</h2>                 ->  text     "What happened\n\nSales rose 8%.\n\n- Margins widened"
//! <p>Sales   rose <b>8%</b>.</p>              headings [0..13]
//! <ul><li>Margins widened</li></ul>
//! ```

use crate::document::Span;
use ego_tree::NodeRef;
use ego_tree::iter::Edge;
use scraper::{Html, Node};

/// What [`extract`] finds in a page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extracted {
    /// The article text, paragraphs separated by blank lines, no trailing white space.
    pub text: String,
    /// `<title>`, else the first `<h1>`, white space collapsed.
    pub title: Option<String>,
    /// Byte spans of the heading lines (`h1`-`h6`) in `text`, in order.
    pub headings: Vec<Span>,
}

/// How an element shapes the text around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// Left out with everything inside it.
    Skip,
    /// Starts and ends a paragraph.
    Block,
    /// Starts and ends a line.
    Line,
    /// A heading: a paragraph of its own, recorded in `headings`.
    Heading,
    /// A list: a paragraph of its own (a line, nested in another list).
    List,
    /// A list item: a line starting with a bullet.
    Item,
    /// A line break; two in a row make a paragraph break.
    Break,
    /// A table cell: separated from its neighbours by a space.
    Cell,
    /// Preformatted: white space kept as written.
    Pre,
    /// Inline: no effect on lines.
    Inline,
}

fn role(name: &str) -> Role {
    match name {
        "script" | "style" | "noscript" | "template" | "nav" | "header" | "footer" | "aside"
        | "head" | "title" | "svg" | "math" | "iframe" | "object" | "canvas" | "button"
        | "select" | "textarea" | "dialog" => Role::Skip,
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => Role::Heading,
        "ul" | "ol" | "menu" => Role::List,
        "li" => Role::Item,
        "br" => Role::Break,
        "td" | "th" => Role::Cell,
        "pre" | "listing" | "xmp" => Role::Pre,
        "tr" | "dt" | "dd" | "caption" => Role::Line,
        "p" | "div" | "blockquote" | "section" | "article" | "main" | "body" | "html"
        | "figure" | "figcaption" | "address" | "details" | "summary" | "fieldset" | "hr"
        | "table" | "thead" | "tbody" | "tfoot" | "dl" | "center" | "hgroup" | "form"
        | "legend" => Role::Block,
        _ => Role::Inline,
    }
}

/// Whether an element is hidden from readers (`hidden`, `aria-hidden="true"`).
fn is_hidden(element: &scraper::node::Element) -> bool {
    element.attr("hidden").is_some()
        || element
            .attr("aria-hidden")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

/// Extracts the article of an HTML page.
pub fn extract(html: &str) -> Extracted {
    let page = Html::parse_document(html);
    let root = page.tree.root();
    let (body, title) = find_root_and_title(root);
    let mut out = Writer::default();
    let mut skip = 0usize; // depth inside skipped elements
    for edge in body.traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Text(text) if skip == 0 => out.text(text),
                Node::Element(element) => {
                    let role = role(element.name());
                    if skip > 0 || role == Role::Skip || is_hidden(element) {
                        skip += 1;
                    } else {
                        out.open(role);
                    }
                }
                _ => {}
            },
            Edge::Close(node) => {
                if let Node::Element(element) = node.value() {
                    if skip > 0 {
                        skip -= 1;
                    } else {
                        out.close(role(element.name()));
                    }
                }
            }
        }
    }
    Extracted {
        text: out.finish(),
        title,
        headings: out.headings,
    }
}

/// One pass over the page: the node to extract from, and the title.
fn find_root_and_title(root: NodeRef<'_, Node>) -> (NodeRef<'_, Node>, Option<String>) {
    let mut best_article: Option<(NodeRef<'_, Node>, usize)> = None;
    let mut current_article: Option<(NodeRef<'_, Node>, usize)> = None;
    let mut article_depth = 0usize;
    let mut main = None;
    let mut body = None;
    let mut title = None;
    let mut first_h1 = None;
    for edge in root.traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(element) => match element.name() {
                    "article" => {
                        if article_depth == 0 {
                            current_article = Some((node, 0));
                        }
                        article_depth += 1;
                    }
                    "main" if main.is_none() => main = Some(node),
                    "body" if body.is_none() => body = Some(node),
                    "title" if title.is_none() => title = collapsed_text(node),
                    "h1" if first_h1.is_none() => first_h1 = collapsed_text(node),
                    _ => {}
                },
                Node::Text(text) => {
                    if let Some((_, len)) = current_article.as_mut() {
                        *len += text.trim().len();
                    }
                }
                _ => {}
            },
            Edge::Close(node) => {
                if node
                    .value()
                    .as_element()
                    .is_some_and(|e| e.name() == "article")
                {
                    article_depth -= 1;
                    if article_depth == 0
                        && let Some((node, len)) = current_article.take()
                        && best_article.is_none_or(|(_, best)| len > best)
                    {
                        best_article = Some((node, len));
                    }
                }
            }
        }
    }
    let chosen = best_article
        .map(|(node, _)| node)
        .or(main)
        .or(body)
        .unwrap_or(root);
    (chosen, title.or(first_h1))
}

/// The text inside a node with white space collapsed, or `None` when there is none.
fn collapsed_text(node: NodeRef<'_, Node>) -> Option<String> {
    let mut out = String::new();
    for text in node.descendants().filter_map(|n| n.value().as_text()) {
        for word in text.split(char::is_whitespace).filter(|w| !w.is_empty()) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
    }
    (!out.is_empty()).then_some(out)
}

/// Builds the text: white space and line breaks are held back until the next visible
/// character, so the text never starts or ends with them and never stacks blank lines.
#[derive(Debug, Default)]
struct Writer {
    text: String,
    /// Line breaks owed before the next character (0, 1 or 2).
    breaks: usize,
    /// A space owed before the next character.
    space: bool,
    /// A bullet owed at the start of the next character's line.
    bullet: bool,
    lists: usize,
    pre: usize,
    headings: Vec<Span>,
    heading_depth: usize,
    heading_start: Option<usize>,
}

impl Writer {
    fn open(&mut self, role: Role) {
        match role {
            Role::Block | Role::Pre => self.at_least(2),
            Role::Heading => {
                self.at_least(2);
                if self.heading_depth == 0 {
                    self.heading_start = None;
                }
                self.heading_depth += 1;
            }
            Role::List => {
                self.at_least(if self.lists > 0 { 1 } else { 2 });
                self.lists += 1;
            }
            Role::Item => {
                self.at_least(1);
                self.bullet = true;
            }
            Role::Line => self.at_least(1),
            Role::Break => self.breaks = (self.breaks + 1).min(2),
            Role::Cell => self.space = true,
            Role::Skip | Role::Inline => {}
        }
        if role == Role::Pre {
            self.pre += 1;
        }
    }

    fn close(&mut self, role: Role) {
        match role {
            Role::Block => self.at_least(2),
            Role::Pre => {
                self.pre = self.pre.saturating_sub(1);
                self.at_least(2);
            }
            Role::Heading => {
                self.heading_depth = self.heading_depth.saturating_sub(1);
                if self.heading_depth == 0
                    && let Some(start) = self.heading_start.take()
                {
                    let end = start + self.text[start..].trim_end().len();
                    if end > start {
                        self.headings.push(Span::new(start, end));
                    }
                }
                self.at_least(2);
            }
            Role::List => {
                self.lists = self.lists.saturating_sub(1);
                self.at_least(if self.lists > 0 { 1 } else { 2 });
            }
            Role::Item => {
                self.bullet = false;
                self.at_least(1);
            }
            Role::Line => self.at_least(1),
            Role::Cell => self.space = true,
            Role::Break | Role::Skip | Role::Inline => {}
        }
    }

    fn at_least(&mut self, breaks: usize) {
        self.breaks = self.breaks.max(breaks);
    }

    fn text(&mut self, text: &str) {
        if self.pre > 0 {
            if !text.trim().is_empty() || self.text.ends_with(|c: char| !c.is_whitespace()) {
                self.flush();
                self.text.push_str(text);
            }
            return;
        }
        for (i, word) in text.split(char::is_whitespace).enumerate() {
            if i > 0 {
                self.space = true;
            }
            if !word.is_empty() {
                self.flush();
                self.text.push_str(word);
            }
        }
    }

    /// Pays what is owed before a visible character.
    fn flush(&mut self) {
        if self.text.is_empty() {
            self.breaks = 0;
        } else if self.breaks > 0 {
            self.trim_line_end();
            let have = self.text.len() - self.text.trim_end_matches('\n').len();
            for _ in have..self.breaks {
                self.text.push('\n');
            }
        } else if self.space && !self.text.ends_with([' ', '\t', '\n']) {
            self.text.push(' ');
        }
        self.breaks = 0;
        self.space = false;
        if self.bullet {
            self.bullet = false;
            if !self.text.is_empty() && !self.text.ends_with('\n') {
                self.text.push('\n');
            }
            self.text.push_str("- ");
        }
        if self.heading_depth > 0 && self.heading_start.is_none() {
            self.heading_start = Some(self.text.len());
        }
    }

    /// Drops spaces and tabs at the end of the current line (left by preformatted text).
    fn trim_line_end(&mut self) {
        let len = self.text.trim_end_matches([' ', '\t']).len();
        self.text.truncate(len);
    }

    fn finish(&mut self) -> String {
        let len = self.text.trim_end().len();
        self.text.truncate(len);
        std::mem::take(&mut self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headings(x: &Extracted) -> Vec<&str> {
        x.headings.iter().map(|s| s.of(&x.text)).collect()
    }

    #[test]
    fn module_example() {
        let x = extract(
            "<title>Chip maker beats</title><h2>What happened</h2>\
             <p>Sales   rose <b>8%</b>.</p><ul><li>Margins widened</li></ul>",
        );
        assert_eq!(x.title.as_deref(), Some("Chip maker beats"));
        assert_eq!(
            x.text,
            "What happened\n\nSales rose 8%.\n\n- Margins widened"
        );
        assert_eq!(x.headings, [Span::new(0, 13)]);
    }

    #[test]
    fn paragraphs_are_separated_by_a_blank_line() {
        let x = extract("<body><p>First   one\n  here.</p><p>Second.</p></body>");
        assert_eq!(x.text, "First one here.\n\nSecond.");
    }

    #[test]
    fn inline_elements_join_without_breaks() {
        let x = extract("<p>Sales rose <b>8</b>%, <a href='#'>the filing</a> <em>says</em>.</p>");
        assert_eq!(x.text, "Sales rose 8%, the filing says.");
    }

    #[test]
    fn entities_are_decoded_and_nbsp_collapses() {
        let x = extract(
            "<p>Profit &amp; loss&nbsp;&nbsp;fell &lt;2%&gt; &#8212; &eacute;t&eacute;</p>",
        );
        assert_eq!(x.text, "Profit & loss fell <2%> \u{2014} \u{e9}t\u{e9}");
    }

    #[test]
    fn headings_are_lines_with_spans() {
        let x = extract(
            "<title> Quarter  in review </title><body><h1>Big  quarter</h1><p>Body text.</p>\
             <h2> <span>What</span> comes next </h2><p>More.</p></body>",
        );
        assert_eq!(
            x.text,
            "Big quarter\n\nBody text.\n\nWhat comes next\n\nMore."
        );
        assert_eq!(headings(&x), ["Big quarter", "What comes next"]);
        assert_eq!(x.title.as_deref(), Some("Quarter in review"));
    }

    #[test]
    fn first_h1_is_the_title_without_a_title_element() {
        let x = extract("<h1>Lender cuts rates</h1><p>Body.</p>");
        assert_eq!(x.title.as_deref(), Some("Lender cuts rates"));
    }

    #[test]
    fn empty_headings_are_not_recorded() {
        let x = extract("<h2>  </h2><p>Text.</p><h3><img src=x></h3>");
        assert_eq!(x.text, "Text.");
        assert!(x.headings.is_empty());
    }

    #[test]
    fn list_items_become_bullets() {
        let x = extract(
            "<p>Highlights:</p><ul><li>Revenue up</li><li> Costs <i>down</i> </li><li></li></ul><p>End.</p>",
        );
        assert_eq!(x.text, "Highlights:\n\n- Revenue up\n- Costs down\n\nEnd.");
    }

    #[test]
    fn nested_lists_stay_in_one_block() {
        let x = extract(
            "<ul><li>Outer<ol><li>Inner one</li><li>Inner two</li></ol></li><li>Last</li></ul>",
        );
        assert_eq!(x.text, "- Outer\n- Inner one\n- Inner two\n- Last");
    }

    #[test]
    fn scripts_styles_and_page_furniture_are_skipped() {
        let x = extract(
            "<head><style>p{color:red}</style><script>var a = 1;</script></head>\
             <body><nav>Home | Markets</nav><header>Site name</header>\
             <p>Kept.<script>alert('no')</script></p><aside>Related</aside>\
             <noscript>Enable scripts</noscript><div hidden>Secret</div>\
             <span aria-hidden=\"true\">Icon</span><footer>Copyright</footer></body>",
        );
        assert_eq!(x.text, "Kept.");
    }

    #[test]
    fn article_is_preferred_over_the_rest_of_the_body() {
        let x = extract(
            "<body><div>Menu text</div><article><p>Short teaser.</p></article>\
             <article><h2>Story</h2><p>The real story is longer than the teaser.</p></article>\
             <div>Sidebar</div></body>",
        );
        assert_eq!(x.text, "Story\n\nThe real story is longer than the teaser.");
        assert_eq!(headings(&x), ["Story"]);
    }

    #[test]
    fn main_is_preferred_without_article() {
        let x = extract("<body><div>Menu</div><main><p>Main text.</p></main></body>");
        assert_eq!(x.text, "Main text.");
    }

    #[test]
    fn line_breaks() {
        let x = extract("<p>One<br>two<br><br>three<br></p><p>Four</p>");
        assert_eq!(x.text, "One\ntwo\n\nthree\n\nFour");
    }

    #[test]
    fn preformatted_text_keeps_its_lines() {
        let x = extract("<p>Table:</p><pre>a    b\n  c\n</pre><p>After.</p>");
        assert_eq!(x.text, "Table:\n\na    b\n  c\n\nAfter.");
    }

    #[test]
    fn table_rows_are_lines_and_cells_are_spaced() {
        let x = extract(
            "<table><tr><th>Item</th><th>Q1</th></tr><tr><td>Sales</td><td>$4m</td></tr></table>",
        );
        assert_eq!(x.text, "Item Q1\nSales $4m");
    }

    #[test]
    fn comments_are_ignored() {
        let x = extract("<p>Visible<!-- hidden note --> text</p>");
        assert_eq!(x.text, "Visible text");
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let depth = 20_000;
        let html = format!("{}deep{}", "<div>".repeat(depth), "</div>".repeat(depth));
        assert_eq!(extract(&html).text, "deep");
    }

    #[test]
    fn heading_spans_index_the_text() {
        let x = extract("<p>Intro \u{e9}l\u{e8}ve.</p><h3>Caf\u{e9} news</h3><p>x</p>");
        assert_eq!(headings(&x), ["Caf\u{e9} news"]);
        assert!(x.text.is_char_boundary(x.headings[0].start));
    }
}
