//! Values: sentence text -> MONEY, PERCENT and DATE candidates.
//!
//! ```text
//! "rose nearly 12% to approximately $628 on Wednesday, July 1, 2026"
//!              12%                  $628    Wednesday, July 1, 2026
//! ```
//!
//! - MONEY: an amount with a currency: "$628", "$3.5 billion", "$1.2bn", "US$40 million",
//!   "€2 billion", "£300m", "¥1.5 trillion", "40 million euros", "45 cents". "$0.45 a share"
//!   gives "$0.45"; an amount with no currency ("billions", "3 million units") is not MONEY.
//! - PERCENT: "12%", "-2.1%", "3.5 percent", "4 per cent", "10-12%", "2 percentage points".
//!   Basis points are not percentages and are left out.
//! - DATE: one contiguous expression for one day is one DATE ("Wednesday, July 1, 2026",
//!   "Jan. 5, 2026", "1 July 2026", "2026-07-01", "7/1/2026"); months ("July", "May 2026"),
//!   quarters and halves ("the second quarter of 2026", "third-quarter", "Q2 2026", "2Q26",
//!   "H1 2026"), fiscal years ("fiscal 2027", "FY27"), "mid-2026", "late 2026", and a year
//!   after a preposition ("in 2026" -> "2026"). With `relative_dates`, also weekdays
//!   ("Monday"), "last week", "next year", "this quarter", "yesterday", "tomorrow". Vague
//!   spans ("for years", "recent months", "today") are not dates.
//!
//! Spans never include hedges: the patterns start at the number or the currency sign, so
//! "nearly 12%" gives "12%". Every pattern is one regex compiled once, linear in the text.

use super::{Candidate, Source};
use crate::document::{EntityType, Span};
use regex::Regex;

/// A number: "628", "3.5", "1,250,000.75".
const NUM: &str = r"(?:[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?)";
/// A space, including the no-break space.
const SP: &str = r"[ \x{A0}]";

fn money() -> String {
    let scale = format!(
        r"(?:{SP}?(?:trillion|billion|million|thousand|crore|lakh)(?-u:\b)|{SP}?(?:tn|bn|mn|mln|bln)(?-u:\b)|[mMbBkK](?-u:\b))"
    );
    let word_scale = format!(
        r"(?:{SP}(?:trillion|billion|million|thousand|crore|lakh)|{SP}?(?:tn|bn|mn|mln|bln))"
    );
    let currency_word = format!(
        r"(?:(?:U\.S\.|US|Canadian|Australian|Hong{SP}Kong|Singapore|New{SP}Zealand|New{SP}Taiwan|Taiwan|Swiss){SP})?(?:dollars?|euros?|pounds?{SP}sterling|pounds?|sterling|yen|yuan|renminbi|won|rupees?|francs?|pesos?|reais|rubles?|roubles?|cents?)(?-u:\b)"
    );
    format!(
        r"(?:(?:US|U\.S\.|CA|C|AU|A|NZ|HK|S|NT|R)?\$|[€£¥₹₩₽]|(?-u:\b)(?:USD|EUR|GBP|JPY|CNY|RMB|CHF|CAD|AUD|HKD|INR|KRW){SP}?|(?-u:\b)Rs\.?{SP}?){NUM}{scale}?|(?-u:\b){NUM}{word_scale}?{SP}{currency_word}|(?-u:\b){NUM}(?:{SP}(?:trillion|billion|million|thousand))?{SP}?(?:USD|EUR|GBP|JPY|CNY|CHF)(?-u:\b)"
    )
}

fn percent() -> String {
    format!(
        r"(?:[-+−]{SP}?)?(?-u:\b){NUM}(?:{SP}?[-–]{SP}?{NUM})?(?:{SP}?%|{SP}?(?:percent|per{SP}?cent|pct|percentage{SP}points?)(?-u:\b))"
    )
}

fn date(relative: bool) -> String {
    let wd = "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)";
    let mf =
        "(?:January|February|March|April|May|June|July|August|September|October|November|December)";
    let ma = r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)(?-u:\b)\.?";
    let month = format!("(?:{mf}|{ma})");
    let day = "(?:[0-3]?[0-9])(?:st|nd|rd|th)?";
    let year = "(?:19|20)[0-9]{2}";
    let ord = "(?:[Ff]irst|[Ss]econd|[Tt]hird|[Ff]ourth|1st|2nd|3rd|4th)";
    let half = "(?:[Ff]irst|[Ss]econd|1st|2nd)";
    let b = r"(?-u:\b)";
    let s = r"\s+";
    let period = format!("(?:{ord}(?:{s}fiscal)?{s}quarter|{half}(?:{s}fiscal)?{s}half)");
    let period_tail = format!(
        "(?:{s}(?:of{s})?(?:fiscal{s}(?:year{s})?)?{year}|{s}of{s}(?:the{s}|this{s}|last{s}|next{s})?(?:fiscal{s})?year)"
    );
    let short_tail =
        format!(r"(?:[\s-]?FY{SP}?'?(?:{year}|[0-9]{{2}})|[\s-]{year}|{SP}?'[0-9]{{2}})");
    let mut alts = vec![
        // Wednesday, July 1, 2026 / Jan. 5, 2026 / July 1
        format!("(?:{wd},?{s})?{month}{SP}{day}(?:,?{s}{year})?{b}"),
        // Wednesday, 1 July 2026 / 1 July
        format!("(?:{wd},?{s})?{day}{SP}(?:of{s})?(?:{mf}{b}|{ma})(?:,?{s}{year}{b})?"),
        // May 2026 / Sept. 2026 / May of 2026
        format!("{month}(?:,?{s}|{s}of{s}){year}{b}"),
        format!("{year}-[01][0-9]-[0-3][0-9]{b}"),
        format!("[01]?[0-9]/[0-3]?[0-9]/(?:{year}|[0-9]{{2}}){b}"),
        // fiscal 2026 second quarter
        format!("(?:[Tt]he{s})?[Ff]iscal{s}{year}{s}(?:{ord}[\\s-]quarter|{half}[\\s-]half){b}"),
        // the second quarter of 2026 / the first half of the year / fiscal second quarter
        format!("(?:[Tt]he{s})?(?:fiscal{s})?{period}{period_tail}?{b}"),
        // third-quarter / second-half 2026
        format!("(?:fiscal{s})?(?:{ord}-quarter|{half}-half)(?:{s}{year})?{b}"),
        // fiscal 2027 / fiscal year 2027 / FY2027 / FY27
        format!("(?:[Ff]iscal(?:{s}year)?{s}{year}|FY{SP}?'?(?:{year}|[0-9]{{2}})){b}"),
        // Q2 2026 / Q2 FY26 / Q2'26 / 2Q26 / H1 2026 / 1H26
        format!("(?:Q[1-4]|H[12]){short_tail}?{b}"),
        format!("[1-4]Q(?:{SP}?'?[0-9]{{2}}|{SP}{year})?{b}"),
        format!("[12]H(?:{SP}?'?[0-9]{{2}}|{SP}{year}){b}"),
        // mid-2026 / late 2026 / early 2027
        format!("(?:[Mm]id-|(?:[Ee]arly|[Ll]ate){s}){year}{b}"),
    ];
    if relative {
        alts.push(format!(
            "(?:[Ll]ast|[Nn]ext|[Tt]his){s}(?:week|month|quarter|year){b}"
        ));
        alts.push(format!("(?:[Yy]esterday|[Tt]omorrow){b}"));
        alts.push(format!("{wd}{b}"));
    }
    alts.push(format!("{mf}{b}"));
    format!("{b}(?:{})", alts.join("|"))
}

/// A year after a preposition: "in 2026", "since 2019", "by 2030".
fn year_after() -> String {
    r"(?-u:\b)(?:[Ii]n|[Ss]ince|[Bb]y|[Dd]uring|[Uu]ntil|[Tt]hrough|[Ff]rom|[Bb]efore|[Aa]fter|of|for|between|and|to)\s+((?:19|20)[0-9]{2})(?-u:\b)".to_string()
}

/// Words before "May" alone that make it the month, not the verb.
const BEFORE_MAY: &[&str] = &[
    "in", "since", "until", "by", "from", "of", "during", "early", "late", "mid", "and", "or",
    "last", "next", "this", "through", "to", "before", "after", "between", "In", "Since", "By",
    "From", "During", "Until", "Through", "Before", "After",
];

/// The value patterns, compiled once.
pub struct Patterns {
    money: Regex,
    percent: Regex,
    date: Regex,
    year: Regex,
}

impl Patterns {
    pub fn new(relative_dates: bool) -> Self {
        Patterns {
            money: Regex::new(&money()).expect("money pattern"),
            percent: Regex::new(&percent()).expect("percent pattern"),
            date: Regex::new(&date(relative_dates)).expect("date pattern"),
            year: Regex::new(&year_after()).expect("year pattern"),
        }
    }

    /// Pushes every MONEY, PERCENT and DATE candidate of `text` (a sentence at byte `offset`).
    pub(crate) fn find(&self, text: &str, offset: usize, out: &mut Vec<Candidate>) {
        let push = |out: &mut Vec<Candidate>, start: usize, end: usize, kind| {
            out.push(Candidate::new(
                Span::new(offset + start, offset + end),
                kind,
                Source::Pattern,
            ));
        };
        let digits = text.bytes().any(|b| b.is_ascii_digit());
        if digits {
            for m in self.money.find_iter(text) {
                if !word_before_ok(text, m.start()) || pounds_of_weight(text, m.as_str(), m.end()) {
                    continue;
                }
                push(out, m.start(), m.end(), EntityType::Money);
            }
            for m in self.percent.find_iter(text) {
                let mut start = m.start();
                let signed = !m.as_str().starts_with(|c: char| c.is_ascii_digit());
                if signed
                    && text[..start]
                        .chars()
                        .next_back()
                        .is_some_and(|c| c.is_alphanumeric() || c == '.')
                {
                    // "1-2%" was read from its first number; a sign glued to a word is a hyphen.
                    start += m.as_str().find(|c: char| c.is_ascii_digit()).unwrap_or(0);
                }
                push(out, start, m.end(), EntityType::Percent);
            }
            for caps in self.year.captures_iter(text) {
                let y = caps.get(1).unwrap();
                if !number_continues(text, y.end()) {
                    push(out, y.start(), y.end(), EntityType::Date);
                }
            }
        }
        for m in self.date.find_iter(text) {
            if number_continues(text, m.end()) || !word_before_ok(text, m.start()) {
                continue;
            }
            if m.as_str() == "May"
                && !previous_word(text, m.start()).is_some_and(|w| BEFORE_MAY.contains(&w))
            {
                continue;
            }
            push(out, m.start(), m.end(), EntityType::Date);
        }
    }
}

/// A value must not be glued to a preceding letter or digit ("A1$5").
fn word_before_ok(text: &str, start: usize) -> bool {
    text[..start]
        .chars()
        .next_back()
        .is_none_or(|c| !c.is_alphanumeric())
}

/// "2026.5" or "2,026": the match stopped inside a longer number.
fn number_continues(text: &str, end: usize) -> bool {
    let rest = &text.as_bytes()[end..];
    rest.len() >= 2 && matches!(rest[0], b'.' | b',') && rest[1].is_ascii_digit()
}

/// "10 million pounds of copper" weighs; it is not money.
fn pounds_of_weight(text: &str, m: &str, end: usize) -> bool {
    (m.ends_with("pound") || m.ends_with("pounds")) && text[end..].trim_start().starts_with("of ")
}

/// The word right before byte `start`.
fn previous_word(text: &str, start: usize) -> Option<&str> {
    let before = text[..start].trim_end();
    let from = before
        .char_indices()
        .rfind(|&(_, c)| !c.is_alphanumeric() && c != '-')
        .map_or(0, |(i, c)| i + c.len_utf8());
    let word = before[from..].trim_end_matches('-');
    (!word.is_empty()).then_some(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str, kind: EntityType) -> Vec<String> {
        let mut out = Vec::new();
        Patterns::new(true).find(text, 0, &mut out);
        let mut got: Vec<_> = out.into_iter().filter(|c| c.kind == kind).collect();
        super::super::resolve(&mut got);
        got.iter().map(|c| c.span.of(text).to_string()).collect()
    }

    fn money(text: &str) -> Vec<String> {
        found(text, EntityType::Money)
    }
    fn percent(text: &str) -> Vec<String> {
        found(text, EntityType::Percent)
    }
    fn date(text: &str) -> Vec<String> {
        found(text, EntityType::Date)
    }

    #[test]
    fn money_forms() {
        assert_eq!(money("trading at approximately $628."), ["$628"]);
        assert_eq!(
            money("a $3.5 billion deal and a $1.2bn loan"),
            ["$3.5 billion", "$1.2bn"]
        );
        assert_eq!(money("raised US$40 million"), ["US$40 million"]);
        assert_eq!(
            money("€2 billion, £300m and ¥1.5 trillion"),
            ["€2 billion", "£300m", "¥1.5 trillion"]
        );
        assert_eq!(money("paid 40 million euros"), ["40 million euros"]);
        assert_eq!(money("earned $0.45 a share"), ["$0.45"]);
        assert_eq!(money("a dividend of 45 cents"), ["45 cents"]);
        assert_eq!(money("revenue of $1,250,000.75"), ["$1,250,000.75"]);
        assert_eq!(money("costs of C$5 million"), ["C$5 million"]);
    }

    #[test]
    fn not_money() {
        assert!(money("it has invested billions in AI").is_empty());
        assert!(money("it sold 3 million units").is_empty());
        assert!(money("10 million pounds of copper").is_empty());
    }

    #[test]
    fn percent_forms() {
        assert_eq!(percent("rallied nearly 12% after"), ["12%"]);
        assert_eq!(
            percent("fell -2.1% and rose 3.5 percent"),
            ["-2.1%", "3.5 percent"]
        );
        assert_eq!(percent("up 4 per cent"), ["4 per cent"]);
        assert_eq!(percent("growth of 10-12%"), ["10-12%"]);
        assert_eq!(
            percent("margins rose 2 percentage points"),
            ["2 percentage points"]
        );
        assert!(percent("a cut of 50 basis points").is_empty());
    }

    #[test]
    fn one_day_is_one_date() {
        assert_eq!(
            date("a rally on Wednesday, July 1, 2026, climbing"),
            ["Wednesday, July 1, 2026"]
        );
        assert_eq!(date("due Jan. 5, 2026 at noon"), ["Jan. 5, 2026"]);
        assert_eq!(date("from 1 July 2026 on"), ["1 July 2026"]);
        assert_eq!(
            date("on 2026-07-01 and 7/1/2026"),
            ["2026-07-01", "7/1/2026"]
        );
        assert_eq!(date("by July 1 it"), ["July 1"]);
    }

    #[test]
    fn months_periods_and_years() {
        assert_eq!(date("in May 2026 and in March"), ["May 2026", "March"]);
        assert_eq!(date("May rise as investors"), Vec::<String>::new());
        assert_eq!(
            date("in the second quarter of 2026"),
            ["the second quarter of 2026"]
        );
        assert_eq!(date("third-quarter revenue"), ["third-quarter"]);
        assert_eq!(
            date("Q2 2026 and 2Q26 and H1 2026"),
            ["Q2 2026", "2Q26", "H1 2026"]
        );
        assert_eq!(
            date("guidance for fiscal 2027 and FY27"),
            ["fiscal 2027", "FY27"]
        );
        assert_eq!(
            date("the first half of the year"),
            ["the first half of the year"]
        );
        assert_eq!(date("in 2026, up from mid-2024"), ["2026", "mid-2024"]);
        assert_eq!(date("rose to 2026.5 points"), Vec::<String>::new());
    }

    #[test]
    fn relative_dates_and_non_dates() {
        assert_eq!(
            date("said on Monday that last week"),
            ["Monday", "last week"]
        );
        assert_eq!(date("next year and yesterday"), ["next year", "yesterday"]);
        assert!(date("For years, it has grown; today it leads").is_empty());
        let mut out = Vec::new();
        Patterns::new(false).find("said on Monday", 0, &mut out);
        assert!(out.is_empty());
    }
}
