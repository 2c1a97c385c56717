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

use super::names::{DOLLAR, WORD, with_scan};
use super::{Candidate, Source};
use crate::document::{EntityType, Span};
use regex_automata::meta::Regex;
use regex_automata::{Anchored, Input};
use std::cell::RefCell;

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

/// Date phrases the anchored patterns do not read, and bare years:
///
/// - a year on its own, 1990 to 2039: "its 2026 outlook", "2026-27";
/// - "a year earlier", "a quarter ago", "the same period of 2025";
/// - "the end of June", "the start of the year", "the rest of the year", "the first nine
///   months of the year", "the first week of March", "the end of the first quarter";
/// - "early November", "late January", "mid-July", "earlier this month", "later this year",
///   "early next year";
/// - "the quarter", "the year", "the fiscal year", "the current quarter", "the June quarter",
///   "the April-June quarter", "the holiday quarter", "calendar 2026", "this fiscal year";
/// - seasons: "the summer", "this fall", "next summer", "last autumn";
/// - "Fiscal first-quarter" (a capital F).
///
/// With `relative` false, only the phrases anchored on a month or a year are kept.
fn phrases(relative: bool) -> String {
    let mf =
        "(?:January|February|March|April|May|June|July|August|September|October|November|December)";
    let year = "(?:199[0-9]|20[0-3][0-9])";
    let b = r"(?-u:\b)";
    let s = r"[ \x{A0}\n]+";
    let ord = "(?:first|second|third|fourth)";
    let number = "(?:two|three|four|five|six|seven|eight|nine|ten|eleven|[2-9]|1[01])";
    let unit = "(?:year|quarter|month|week)";
    let season = "(?:summer|fall|autumn|winter|spring)";
    let period = format!(
        "(?:the{s}(?:year|quarter|month)|{mf}(?:{s}{year})?|{year}|fiscal{s}{year}|the{s}(?:fiscal{s})?{ord}{s}(?:quarter|half)(?:{s}of{s}{year})?|the{s}fiscal{s}year)"
    );
    let mut alts = vec![
        // the end of June / the start of the year / the end of the first quarter
        format!("[Tt]he{s}(?:end|start|beginning|middle|rest){s}of{s}{period}"),
        // the first nine months of the year / the first week of March
        format!(
            "[Tt]he{s}(?:first|last){s}(?:{number}{s}months|week|two{s}weeks){s}of{s}(?:the{s}year|{mf}|{year})"
        ),
        // the same period of 2025
        format!("[Tt]he{s}same{s}(?:period|quarter|month|half){s}(?:of|in){s}{year}"),
        // early November / late January / mid-July
        format!("(?:(?:[Ee]arly|[Ll]ate|[Mm]id){s}|[Mm]id-){mf}"),
        // the June quarter / the April-June quarter
        format!("[Tt]he{s}{mf}(?:-{mf})?{s}quarter"),
        format!("[Cc]alendar{s}{year}"),
        format!("Fiscal{s}{ord}-(?:quarter|half)"),
        // 2026-27
        format!("{year}-[0-9]{{2}}"),
        year.to_string(),
    ];
    if relative {
        alts.extend([
            format!("(?:[Aa]|[Oo]ne){s}{unit}{s}(?:earlier|ago|before)"),
            format!("(?:[Ee]arlier|[Ll]ater|[Ee]arly|[Ll]ate){s}(?:this|next|last){s}{unit}"),
            format!("[Tt]he{s}(?:current{s}|holiday{s})?(?:fiscal{s}year|quarter|year)"),
            format!("(?:[Tt]his|[Nn]ext|[Ll]ast){s}fiscal{s}year"),
            format!("(?:[Tt]he|[Tt]his|[Nn]ext|[Ll]ast){s}{season}"),
        ]);
    }
    format!("{b}(?:{}){b}", alts.join("|"))
}

/// A year after a preposition: "in 2026", "since 2019", "by 2030" (read by hand, see
/// [`year_after_preposition`]; the pattern says what it reads).
#[cfg(test)]
fn year_after() -> String {
    r"(?-u:\b)(?:[Ii]n|[Ss]ince|[Bb]y|[Dd]uring|[Uu]ntil|[Tt]hrough|[Ff]rom|[Bb]efore|[Aa]fter|of|for|between|and|to)\s+((?:19|20)[0-9]{2})(?-u:\b)".to_string()
}

/// Words before "May" alone that make it the month, not the verb.
const BEFORE_MAY: &[&str] = &[
    "in", "since", "until", "by", "from", "of", "during", "early", "late", "mid", "and", "or",
    "last", "next", "this", "through", "to", "before", "after", "between", "In", "Since", "By",
    "From", "During", "Until", "Through", "Before", "After",
];

/// The words before a year that [`year_after`] takes.
const BEFORE_YEAR: &[&str] = &[
    "In", "in", "Since", "since", "By", "by", "During", "during", "Until", "until", "Through",
    "through", "From", "from", "Before", "before", "After", "after", "of", "for", "between", "and",
    "to",
];

/// Currency codes and "Rs", which may open an amount: "USD 5", "Rs 40".
const CURRENCY_MARKS: &[&str] = &[
    "USD", "EUR", "GBP", "JPY", "CNY", "RMB", "CHF", "CAD", "AUD", "HKD", "INR", "KRW", "Rs",
];

/// The first letters of what may follow a number and a space in an amount: a scale
/// ("million", "crore"), a currency word ("euros", "yen"), a code ("USD") or a country
/// ("Hong Kong dollars").
const AFTER_AMOUNT: &[u8] = b"tbmcldepsyrwfUCAHSNTEGJ";

/// What may stand right before `$` in an amount: "US$", "C$", "HK$".
const DOLLAR_PREFIXES: &[&str] = &[
    "U.S.", "US", "CA", "AU", "NZ", "HK", "NT", "C", "A", "S", "R",
];

/// The value patterns, compiled once.
///
/// Each pattern is tried only where one of its matches can start, as an anchored search:
/// at the numbers, currency signs and date words of a sentence, which a cheap scan finds.
/// Since a search from the start of the sentence would find the same leftmost match at the
/// first such place (and every match starts at one), the results are those of searching the
/// whole sentence, at a fraction of the cost. A year after a preposition is read by hand.
pub struct Patterns {
    money: Regex,
    percent: Regex,
    date: Regex,
    /// Date phrases around the ones above, searched unanchored: see [`phrases`].
    phrases: Regex,
    relative_dates: bool,
}

/// Where each kind of value may start in one sentence, found by one scan.
#[derive(Default)]
struct Starts {
    money: Vec<usize>,
    percent: Vec<usize>,
    date: Vec<usize>,
    /// Years after a preposition: already matches.
    years: Vec<usize>,
}

thread_local! {
    /// Reused by every sentence a thread reads.
    static STARTS: RefCell<Starts> = RefCell::default();
}

impl Patterns {
    pub fn new(relative_dates: bool) -> Self {
        let build = |pattern: String, what: &str| {
            Regex::new(&pattern).unwrap_or_else(|e| panic!("{what} pattern: {e}"))
        };
        Patterns {
            money: build(money(), "money"),
            percent: build(percent(), "percent"),
            date: build(date(relative_dates), "date"),
            phrases: build(phrases(relative_dates), "date phrase"),
            relative_dates,
        }
    }

    /// Pushes every MONEY, PERCENT and DATE candidate of `text` (a sentence at byte `offset`).
    pub(crate) fn find(&self, text: &str, offset: usize, out: &mut Vec<Candidate>) {
        STARTS.with_borrow_mut(|starts| self.find_from(text, offset, out, starts));
    }

    fn find_from(&self, text: &str, offset: usize, out: &mut Vec<Candidate>, at: &mut Starts) {
        let push = |out: &mut Vec<Candidate>, start: usize, end: usize, kind| {
            out.push(Candidate::new(
                Span::new(offset + start, offset + end),
                kind,
                Source::Pattern,
            ));
        };
        self.starts(text, at);
        let b = text.as_bytes();
        anchored(&self.money, text, &at.money, |start, end| {
            if word_before_ok(text, start) && !pounds_of_weight(text, &text[start..end], end) {
                push(out, start, end, EntityType::Money);
            }
        });
        anchored(&self.percent, text, &at.percent, |mut start, end| {
            let m = &text[start..end];
            let signed = !m.starts_with(|c: char| c.is_ascii_digit());
            if signed
                && text[..start]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_alphanumeric() || c == '.')
            {
                // "1-2%" was read from its first number; a sign glued to a word is a hyphen.
                start += m.find(|c: char| c.is_ascii_digit()).unwrap_or(0);
            }
            push(out, start, end, EntityType::Percent);
        });
        for &y in &at.years {
            if !number_continues(text, y + 4) {
                push(out, y, y + 4, EntityType::Date);
            }
        }
        anchored(&self.date, text, &at.date, |start, end| {
            if number_continues(text, end) || !word_before_ok(text, start) {
                return;
            }
            if &b[start..end] == b"May"
                && !previous_word(text, start).is_some_and(|w| BEFORE_MAY.contains(&w))
            {
                return;
            }
            push(out, start, end, EntityType::Date);
        });
        // Phrases that hold a date ("the end of June" over "June") win as the longer claim.
        for m in self.phrases.find_iter(text) {
            let (start, end) = (m.start(), m.end());
            if number_continues(text, end) || !word_before_ok(text, start) {
                continue;
            }
            if text[..start].ends_with(['$', '€', '£', '¥', '#']) {
                continue; // "$2026", "#2025": not a year
            }
            push(out, start, end, EntityType::Date);
        }
    }

    /// Fills `at` with every place where a value of `text` may start: a superset of where
    /// the patterns match.
    fn starts(&self, text: &str, at: &mut Starts) {
        let b = text.as_bytes();
        for list in [&mut at.money, &mut at.percent, &mut at.date, &mut at.years] {
            list.clear();
        }
        if !text.is_ascii() {
            let signs = text.char_indices().filter(|(_, c)| "€£¥₹₩₽".contains(*c));
            at.money.extend(signs.map(|(i, _)| i));
        }
        let dollar = |d: usize, money: &mut Vec<usize>| {
            for prefix in DOLLAR_PREFIXES {
                if text[..d].ends_with(prefix) {
                    money.push(d - prefix.len());
                }
            }
            money.push(d);
        };
        with_scan(text, |scan| {
            scan.each(|m| m[DOLLAR], |d| dollar(d, &mut at.money));
            scan.each(
                |m| m[WORD],
                |p| {
                    if b[p].is_ascii_digit() {
                        if amount_may_follow(b, p) {
                            at.money.push(p);
                        }
                        if percent_follows(b, p) {
                            for sign in signs_before(text, p) {
                                at.percent.push(sign);
                            }
                            at.percent.push(p);
                        }
                        if year_after_preposition(text, p) {
                            at.years.push(p);
                        }
                        if let Some(ordinal) = date_number(b, p) {
                            if ordinal && let Some(the) = the_before(text, p) {
                                at.date.push(the);
                            }
                            at.date.push(p);
                        }
                    } else {
                        if let Some(period) = date_word(&b[p..], self.relative_dates) {
                            if period && let Some(the) = the_before(text, p) {
                                at.date.push(the);
                            }
                            at.date.push(p);
                        }
                        if matches!(
                            b[p],
                            b'A' | b'C' | b'E' | b'G' | b'H' | b'I' | b'J' | b'K' | b'R' | b'U'
                        ) && CURRENCY_MARKS
                            .iter()
                            .any(|m| b[p..].starts_with(m.as_bytes()))
                        {
                            at.money.push(p);
                        }
                    }
                },
            );
        });
        for list in [&mut at.money, &mut at.percent, &mut at.date] {
            list.sort_unstable();
        }
    }
}

/// Runs `re` anchored at each of `starts` (sorted) and calls `f` with each match, as a
/// search for every non-overlapping match from the start of `text` would find them, provided
/// no match starts elsewhere.
fn anchored(re: &Regex, text: &str, starts: &[usize], mut f: impl FnMut(usize, usize)) {
    let mut from = 0;
    for &p in starts {
        if p < from {
            continue;
        }
        let input = Input::new(text).range(p..).anchored(Anchored::Yes);
        if let Some(m) = re.search(&input) {
            f(m.start(), m.end());
            from = m.end().max(p + 1);
        }
    }
}

/// Whether a percent sign or word can follow the number at `p`: the number, an optional
/// range ("10-12"), an optional space, then `%`, "per" or "pct".
fn percent_follows(b: &[u8], p: usize) -> bool {
    let number_end = |i: usize| {
        i + b[i..]
            .iter()
            .take_while(|&&c| c.is_ascii_digit() || c == b',' || c == b'.')
            .count()
    };
    let space = |i: usize| match b.get(i..) {
        Some([b' ', ..]) => i + 1,
        Some([0xC2, 0xA0, ..]) => i + 2,
        _ => i,
    };
    let marked = |i: usize| {
        let rest = &b[i.min(b.len())..];
        rest.starts_with(b"%") || rest.starts_with(b"per") || rest.starts_with(b"pct")
    };
    let mut end = number_end(p);
    let after_dash = match b.get(space(end)..) {
        Some([b'-', ..]) => Some(space(end) + 1),
        Some([0xE2, 0x80, 0x93, ..]) => Some(space(end) + 3),
        _ => None,
    };
    if let Some(next) = after_dash.map(space)
        && b.get(next).is_some_and(u8::is_ascii_digit)
    {
        end = number_end(next);
    }
    marked(end) || marked(space(end))
}

/// Where a sign before the number at `p` may start a percentage: "-2.1%", "+ 3%", "−4%".
fn signs_before(text: &str, p: usize) -> impl Iterator<Item = usize> {
    let sign = |before: &str| before.strip_suffix(['-', '+', '−']).map(|rest| rest.len());
    let spaced = text[..p].strip_suffix([' ', '\u{a0}']).and_then(sign);
    spaced.into_iter().chain(sign(&text[..p]))
}

/// Whether `(19|20)dd` at `p` is a year right after a preposition ("in 2026"): exactly
/// what [`year_after`] matches there.
fn year_after_preposition(text: &str, p: usize) -> bool {
    let b = text.as_bytes();
    let Some(&[c0, c1, c2, c3]) = b.get(p..p + 4) else {
        return false;
    };
    if !matches!((c0, c1), (b'1', b'9') | (b'2', b'0'))
        || !c2.is_ascii_digit()
        || !c3.is_ascii_digit()
        || b.get(p + 4).is_some_and(|&c| is_word_byte(c))
    {
        return false;
    }
    let before = text[..p].trim_end_matches(char::is_whitespace);
    if before.len() == p {
        return false;
    }
    let word_start = before
        .bytes()
        .rposition(|c| !is_word_byte(c))
        .map_or(0, |i| i + 1);
    BEFORE_YEAR.contains(&&before[word_start..])
}

fn is_word_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// Whether a date may start at the number at `p` ("1 July", "2026-07-01", "7/1", "3rd
/// quarter", "2Q26", "1H26"), and whether it is an ordinal, which "the" may precede.
fn date_number(b: &[u8], p: usize) -> Option<bool> {
    let end = p + b[p..].iter().take_while(|c| c.is_ascii_digit()).count();
    match b.get(end..)? {
        [b's' | b'n' | b'r' | b't', ..] => Some(true),
        [b'-' | b'/' | b'Q' | b'H', ..] => Some(false),
        // A day before a month: "1 July", "1 of July".
        [b' ', c, ..] | [0xC2, 0xA0, c, ..] if b"JFMASONDo".contains(c) => Some(false),
        _ => None,
    }
}

/// Whether a date may start at the word that opens `rest`, and whether it is a period
/// ("second quarter", "fiscal 2027"), which "the" may precede.
fn date_word(rest: &[u8], relative: bool) -> Option<bool> {
    let is = |word: &[u8]| rest.starts_with(word);
    let (date, period) = match rest.first()? {
        b'J' => (is(b"Jan") || is(b"Jun") || is(b"Jul"), false),
        b'F' => (
            is(b"Feb") || is(b"Fri") || is(b"FY"),
            is(b"First") || is(b"Fiscal") || is(b"Fourth"),
        ),
        b'M' => (is(b"Mar") || is(b"May") || is(b"Mon") || is(b"Mid-"), false),
        b'A' => (is(b"Apr") || is(b"Aug"), false),
        b'S' => (is(b"Sep") || is(b"Sat") || is(b"Sun"), is(b"Second")),
        b'O' => (is(b"Oct"), false),
        b'N' => (is(b"Nov") || (relative && is(b"Next")), false),
        b'D' => (is(b"Dec"), false),
        b'T' => (
            is(b"Tue") || is(b"Thu") || (relative && (is(b"This") || is(b"Tomorrow"))),
            is(b"Third"),
        ),
        b'W' => (is(b"Wed"), false),
        b'E' => (is(b"Early"), false),
        b'e' => (is(b"early"), false),
        b'L' => (is(b"Late") || (relative && is(b"Last")), false),
        b'l' => (is(b"late") || (relative && is(b"last")), false),
        b'm' => (is(b"mid-"), false),
        b'n' => (relative && is(b"next"), false),
        b't' => (relative && (is(b"this") || is(b"tomorrow")), is(b"third")),
        b'Y' => (relative && is(b"Yesterday"), false),
        b'y' => (relative && is(b"yesterday"), false),
        b'f' => (false, is(b"first") || is(b"fiscal") || is(b"fourth")),
        b's' => (false, is(b"second")),
        b'Q' => (matches!(rest.get(1), Some(b'1'..=b'4')), false),
        b'H' => (matches!(rest.get(1), Some(b'1' | b'2')), false),
        _ => return None,
    };
    (date || period).then_some(period)
}

/// Whether an amount may start at the number at `p`: a letter right after it ("5bn",
/// "5USD") or a space and one of [`AFTER_AMOUNT`] ("40 million euros", "5 USD").
fn amount_may_follow(b: &[u8], p: usize) -> bool {
    let end = p + b[p..]
        .iter()
        .take_while(|&&c| c.is_ascii_digit() || c == b',' || c == b'.')
        .count();
    match b.get(end..) {
        Some([c, ..]) if c.is_ascii_alphabetic() => true,
        Some([b' ', c, ..] | [0xC2, 0xA0, c, ..]) => AFTER_AMOUNT.contains(c),
        _ => false,
    }
}

/// Where "the" (or "The") stands right before the word at `p`, across white space.
fn the_before(text: &str, p: usize) -> Option<usize> {
    let before = text[..p].trim_end_matches(char::is_whitespace);
    if before.len() == p {
        return None;
    }
    let the = before.len().checked_sub(3)?;
    let b = text.as_bytes();
    (matches!(&b[the..the + 3], b"the" | b"The") && (the == 0 || !is_word_byte(b[the - 1])))
        .then_some(the)
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

    #[test]
    fn years_after_prepositions_are_read_as_the_pattern_says() {
        let re = regex::Regex::new(&year_after()).unwrap();
        for text in [
            "in 2026 and since 2019, by 2030",
            "In 2025, sales; for 2027 through 2028",
            "model 2026 and 12026 or in 20261",
            "between 1999 and 2001",
        ] {
            let by_pattern: Vec<usize> = re
                .captures_iter(text)
                .map(|c| c.get(1).unwrap().start())
                .collect();
            let by_hand: Vec<usize> = (0..text.len())
                .filter(|&p| year_after_preposition(text, p))
                .collect();
            assert_eq!(by_hand, by_pattern, "{text}");
        }
    }

    #[test]
    fn date_phrases_and_bare_years() {
        assert_eq!(
            date("sales rose from a year earlier and from a quarter ago"),
            ["a year earlier", "a quarter ago"]
        );
        assert_eq!(
            date("by the end of June, then the start of the year"),
            ["the end of June", "the start of the year"]
        );
        assert_eq!(date("by the end of 2027"), ["the end of 2027"]);
        assert_eq!(
            date("in early November and mid-July"),
            ["early November", "mid-July"]
        );
        assert_eq!(
            date("its 2026 outlook for the 2026-27 season"),
            ["2026", "2026-27"]
        );
        assert_eq!(
            date("in the quarter and the April-June quarter"),
            ["the quarter", "the April-June quarter"]
        );
        assert_eq!(
            date("later this year, next summer and the same period of 2025"),
            ["later this year", "next summer", "the same period of 2025"]
        );
        assert_eq!(
            date("the first nine months of the year"),
            ["the first nine months of the year"]
        );
        assert_eq!(date("Fiscal first-quarter sales"), ["Fiscal first-quarter"]);
        // Not years: amounts, long numbers, other ranges; not dates: vague spans.
        assert!(date("a $2026 fee, 20261 units, 1850 units, 2045 levels").is_empty());
        assert!(date("over the rest of the decade").is_empty());
    }
}
