//! Rules for names the gazetteer does not list: sentence text -> PERSON and ORG candidates.
//!
//! ```text
//! "Chief Executive Jane Roe said Acme Widgets Inc. would grow; Roe added ..."
//!                  PERSON          ORG (no id)                 PERSON
//! ```
//!
//! - PERSON after a title or honorific ("CEO Jane Roe", "analyst Dan Brook at ...",
//!   "Mr. Roe"; the title stays outside the span), before an appositive role ("Jane Roe,
//!   Acme's chief executive"), or starting with a listed given name ("Jane Roe"). Once a full
//!   name is found, its surname alone is the same person later in the article ("Roe added").
//! - ORG for up to five capitalized words ending in a legal suffix ("Acme Widgets Inc.",
//!   "Blue Harbor Capital"); its id comes from a ticker right after it, if any.
//!
//! These are deliberately modest; a learned recognizer will add recall later.

use super::gazetteer::Gazetteer;
use super::{Candidate, Source};
use crate::document::{Entity, EntityType, Span};
use aho_corasick::{AhoCorasick, MatchKind};
use regex::Regex;

/// One capitalized name word: "Roe", "McDonald", "O'Brien", "Jean-Luc".
const TOKEN: &str =
    r"(?:\p{Lu}\p{Ll}+(?:\p{Lu}\p{Ll}+)?|\p{Lu}['’]\p{Lu}\p{Ll}+)(?:-\p{Lu}\p{Ll}+)?";
/// Lowercase particles inside names: "Ursula von der Leyen".
const PARTICLE: &str = r"(?:van|von|de|der|den|da|di|del|dos|du|le|la|bin|al|ter)";

/// Titles before a full name; the name follows.
const TITLES: &str = r"(?:[Cc]hief\s+[Ee]xecutive(?:\s+[Oo]fficer)?|[Cc]hief\s+(?:[Ff]inancial|[Oo]perating|[Tt]echnology|[Ii]nvestment|[Mm]arketing|[Pp]roduct)\s+[Oo]fficer|[Cc]hief\s+(?:[Ee]conomist|[Ss]trategist|[Aa]nalyst)|CEO|CFO|COO|CTO|CIO|[Cc]hair(?:man|woman|person)?|(?:[Ee]xecutive\s+|[Ss]enior\s+)?(?:[Vv]ice\s+)?[Pp]resident|[Cc]o-?founder|[Ff]ounder|[Aa]nalyst|[Ee]conomist|[Ss]trategist|[Ss]pokes(?:man|woman|person)|[Ii]nvestor|[Dd]irector|[Pp]ortfolio\s+[Mm]anager|[Ff]und\s+[Mm]anager|[Mm]anaging\s+[Pp]artner|[Gg]eneral\s+[Pp]artner|[Ll]awyer|[Aa]ttorney|[Pp]rime\s+[Mm]inister|[Mm]inister|[Ss]ecretary|[Gg]overnor|[Ss]enator|[Ss]en\.|[Rr]ep\.|[Gg]ov\.|[Jj]udge|[Pp]rofessor|[Pp]rof\.|[Bb]illionaire|[Ee]ntrepreneur|[Cc]ommissioner|[Cc]hancellor|[Pp]remier|[Ss]peaker|[Rr]esearcher|[Tt]rader)";

/// Honorifics, after which one name word is enough: "Mr. Roe".
const HONORIFICS: &str = r"(?:Mr\.|Ms\.|Mrs\.|Dr\.|Mr|Ms|Mrs|Dr|Sir|Dame)";

/// Role words after "Name, (the/Acme's ...)" that make Name a person.
const ROLES: &str = r"(?:chief|CEO|CFO|COO|CTO|president|chairman|chairwoman|chair|founder|co-founder|analyst|economist|strategist|head|director|managing|partner|portfolio|senior|spokesman|spokeswoman|spokesperson|executive|vice|professor|minister|secretary|governor)";

/// Legal suffixes and business words that end an unlisted company name.
const ORG_SUFFIXES: &str = r"(?:Inc\.|Corp\.|Co\.|Ltd\.|S\.A\.|N\.V\.|L\.P\.|Inc|Corp|Corporation|Incorporated|Ltd|Limited|LLC|LLP|plc|PLC|AG|SE|NV|GmbH|SpA|Holdings|Group|Partners|Capital|Bancorp|Therapeutics|Pharmaceuticals|Technologies|Ventures|Securities|Advisors|Associates)";

/// Words that are never part of a person's name.
const NOT_NAME_WORDS: &[&str] = &[
    "The",
    "A",
    "An",
    "And",
    "But",
    "Or",
    "Of",
    "In",
    "On",
    "At",
    "For",
    "To",
    "By",
    "With",
    "From",
    "As",
    "After",
    "Before",
    "While",
    "When",
    "If",
    "Its",
    "Their",
    "Our",
    "His",
    "Her",
    "This",
    "That",
    "These",
    "Those",
    "Shares",
    "Analysts",
    "Investors",
    "Meanwhile",
    "However",
    "Also",
    "Street",
    "Inc",
    "Corp",
    "Co",
    "Group",
    "Capital",
    "Partners",
    "Holdings",
    "Bank",
    "Securities",
    "Research",
    "Management",
    "Fund",
    "Funds",
    "Technologies",
    "Technology",
    "Systems",
    "Airlines",
    "Motors",
    "Energy",
    "Financial",
    "Global",
    "International",
    "National",
    "Federal",
    "Media",
    "News",
    "Times",
    "Journal",
    "Post",
    "University",
    "Institute",
    "Foundation",
    "Labs",
    "Studios",
    "Pictures",
    "Entertainment",
    "Health",
    "Pharmaceuticals",
    "Therapeutics",
    "Ventures",
    "Advisors",
    "Associates",
    "Exchange",
    "Reserve",
    "Department",
    "Ministry",
    "Agency",
    "Commission",
    "Council",
    "Committee",
    "Board",
    "Court",
    "House",
    "Senate",
    "Congress",
    "Party",
    "Airport",
    "Center",
    "Centre",
    "Hospital",
    "School",
    "College",
    "Index",
    "Trust",
    "Services",
    "Solutions",
    "Software",
    "Electronics",
    "Semiconductor",
    "Platforms",
    "Cloud",
    "AI",
    "Company",
    "Corporation",
    "Limited",
    "Ltd",
    "LLC",
    "Vice",
    "President",
    "Chief",
    "Executive",
    "Officer",
    "Senior",
    "Director",
    "General",
    "Manager",
    "Chairman",
    "Analyst",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Sept",
    "Oct",
    "Nov",
    "Dec",
    "Share",
    "Staff",
    "Head",
    "Founder",
    "Office",
    "Comments",
    "Photo",
    "Reporting",
    "Editing",
    "Writing",
    "Source",
    "Updated",
    "Reuters",
    "Thomson",
    "Bloomberg",
    "Says",
    "Said",
    "Report",
];

/// Capitalized words that open a sentence or a run without being part of a company name.
const NOT_ORG_START: &[&str] = &[
    "The",
    "A",
    "An",
    "And",
    "But",
    "Or",
    "Of",
    "In",
    "On",
    "At",
    "For",
    "To",
    "By",
    "With",
    "From",
    "As",
    "After",
    "Before",
    "While",
    "When",
    "If",
    "Its",
    "Their",
    "Our",
    "His",
    "Her",
    "This",
    "That",
    "These",
    "Those",
    "Shares",
    "Analysts",
    "Investors",
    "Meanwhile",
    "However",
    "Also",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "About",
    "Why",
    "How",
    "What",
    "Is",
    "Are",
    "Do",
    "Does",
    "Make",
    "Makes",
    "Will",
    "Should",
    "Could",
    "Can",
    "Buy",
    "Sell",
    "Tweet",
    "Like",
    "Says",
    "Said",
];

/// The PERSON and ORG rules, compiled once.
pub struct Rules {
    titled: Regex,
    honorific: Regex,
    appositive: Regex,
    run: Regex,
    org: Regex,
}

impl Default for Rules {
    fn default() -> Self {
        Self::new()
    }
}

impl Rules {
    pub fn new() -> Self {
        let full =
            format!(r"{TOKEN}(?:\s+\p{{Lu}}\.)?(?:\s+(?:{PARTICLE}\s+){{0,2}}{TOKEN}){{1,2}}");
        let any = format!(r"{TOKEN}(?:\s+(?:{PARTICLE}\s+){{0,2}}{TOKEN}){{0,2}}");
        Rules {
            titled: Regex::new(&format!(r"(?-u:\b){TITLES}\s+({full})")).expect("title pattern"),
            honorific: Regex::new(&format!(r"(?-u:\b){HONORIFICS}\s+({any})")).expect("honorific pattern"),
            appositive: Regex::new(&format!(
                r"({full}),\s+(?:the\s+|a\s+|an\s+|its\s+|their\s+|our\s+|his\s+|her\s+)?(?:[\p{{L}}\p{{N}}.&-]+['’]s\s+|\p{{Lu}}[\p{{L}}\p{{N}}.&'’-]*\s+){{0,3}}{ROLES}(?-u:\b)"
            ))
            .expect("appositive pattern"),
            run: Regex::new(&format!(r"{TOKEN}(?:\s+(?:\p{{Lu}}\.\s+)?(?:{PARTICLE}\s+){{0,2}}{TOKEN})+")).expect("name run pattern"),
            org: Regex::new(&format!(
                r"(?-u:\b)((?:\p{{Lu}}[\p{{L}}\p{{N}}&'’.-]*)(?:\s+(?:&\s+)?\p{{Lu}}[\p{{L}}\p{{N}}&'’.-]*){{0,4}}),?\s+{ORG_SUFFIXES}"
            ))
            .expect("org pattern"),
        }
    }

    /// Pushes PERSON candidates of `text` (a sentence at byte `offset`).
    pub(crate) fn persons(
        &self,
        g: &Gazetteer,
        text: &str,
        offset: usize,
        out: &mut Vec<Candidate>,
    ) {
        let mut push = |start: usize, end: usize, min_words: usize| {
            if let Some((s, e)) = trim_name(text, start, end, min_words) {
                out.push(Candidate::new(
                    Span::new(offset + s, offset + e),
                    EntityType::Person,
                    Source::Rule,
                ));
            }
        };
        // Cheap checks spare the regexes most sentences.
        let honorific = ["Mr", "Ms", "Dr", "Sir", "Dame"]
            .iter()
            .any(|h| text.contains(h));
        let appositive = text.contains(", ");
        for (re, min_words, _) in [
            (&self.titled, 2, true),
            (&self.honorific, 1, honorific),
            (&self.appositive, 2, appositive),
        ]
        .into_iter()
        .filter(|rule| rule.2)
        {
            for caps in re.captures_iter(text) {
                let m = caps.get(1).unwrap();
                push(m.start(), m.end(), min_words);
            }
        }
        for run in self.run.find_iter(text) {
            // "Analyst Jane Roe": the person starts at the first listed given name and takes
            // at most two more name words (initials and particles aside).
            let mut words = words_of(text, run.start(), run.end());
            let Some((start, _)) = words.by_ref().find(|(_, w)| g.is_first_name(w)) else {
                continue;
            };
            let mut end = None;
            let mut more = 0;
            for (s, w) in words {
                end = Some(s + w.len());
                if w.starts_with(char::is_uppercase) && !w.ends_with('.') {
                    more += 1;
                    if more == 2 {
                        break;
                    }
                }
            }
            if let Some(end) = end {
                push(start, end, 2);
            }
        }
    }

    /// Pushes ORG candidates for unlisted names with a legal suffix.
    pub(crate) fn orgs(&self, text: &str, offset: usize, out: &mut Vec<Candidate>) {
        if !text.contains(|c: char| c.is_uppercase()) {
            return;
        }
        for caps in self.org.captures_iter(text) {
            let (whole, name) = (caps.get(0).unwrap(), caps.get(1).unwrap());
            // The name starts after the last word that is no part of one: "On Monday Acme
            // Corp", "Why Investors Like Acme Corp" (a headline in title case).
            let mut start = None;
            for (s, w) in words_of(text, name.start(), name.end()) {
                if NOT_ORG_START.contains(&w) {
                    start = None;
                } else if start.is_none() {
                    start = Some(s);
                }
            }
            let Some(start) = start else {
                continue;
            };
            let end = whole.end();
            if !whole.as_str().ends_with('.') && text[end..].starts_with(char::is_alphanumeric) {
                continue; // "Capitalist" is no suffix
            }
            out.push(Candidate::new(
                Span::new(offset + start, offset + end),
                EntityType::Org,
                Source::Rule,
            ));
        }
    }

    /// Adds a PERSON for each later mention of a surname of a person already found ("Roe"
    /// after "Jane Roe"), where no other entity stands.
    pub(crate) fn surnames(&self, text: &str, sentences: &[Span], entities: &mut Vec<Entity>) {
        let mut surnames: Vec<&str> = entities
            .iter()
            .filter(|e| e.kind == EntityType::Person)
            .filter_map(|e| {
                let name = e.span.of(text);
                let last = name.rsplit(char::is_whitespace).next()?;
                (last.len() > 2 && last.len() < name.len() && last.starts_with(char::is_uppercase))
                    .then_some(last)
            })
            .collect();
        if surnames.is_empty() {
            return;
        }
        surnames.sort_unstable();
        surnames.dedup();
        let Ok(automaton) = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&surnames)
        else {
            return;
        };
        let mut taken: Vec<Span> = entities.iter().map(|e| e.span).collect();
        taken.sort();
        let mut added = Vec::new();
        for sentence in sentences {
            let s = sentence.of(text);
            for m in automaton.find_iter(s) {
                let span = Span::new(sentence.start + m.start(), sentence.start + m.end());
                if !super::names::word_start(s, m.start()) || !super::names::word_end(s, m.end()) {
                    continue;
                }
                // "Lisa Roe" is someone else; an overlap means another entity is there.
                let before = &s[..m.start()];
                let after_capital = before.ends_with(' ')
                    && before
                        .trim_end()
                        .rsplit(char::is_whitespace)
                        .next()
                        .is_some_and(|w| {
                            w.starts_with(char::is_uppercase) && w.ends_with(char::is_alphanumeric)
                        });
                let i = taken.partition_point(|t| t.end <= span.start);
                if after_capital || taken.get(i).is_some_and(|t| t.overlaps(span)) {
                    continue;
                }
                added.push(Entity {
                    span,
                    kind: EntityType::Person,
                    id: None,
                    name: None,
                });
            }
        }
        entities.extend(added);
    }
}

/// The words of `text[start..end]` with their byte offsets.
fn words_of(text: &str, start: usize, end: usize) -> impl Iterator<Item = (usize, &str)> {
    let slice = &text[start..end];
    slice
        .split(char::is_whitespace)
        .filter(|w| !w.is_empty())
        .map(move |w| (start + (w.as_ptr() as usize - slice.as_ptr() as usize), w))
}

/// Drops leading words that cannot be part of a person's name ("On Monday Jane Roe"), cuts
/// at the first such word after the name, and keeps what is left only with at least
/// `min_words` words.
fn trim_name(text: &str, start: usize, end: usize, min_words: usize) -> Option<(usize, usize)> {
    let mut span: Option<(usize, usize)> = None;
    let mut count = 0;
    for (s, w) in words_of(text, start, end) {
        if NOT_NAME_WORDS.contains(&w) {
            if span.is_some() {
                break;
            }
            continue;
        }
        count += 1;
        span = Some((span.map_or(s, |(first, _)| first), s + w.len()));
    }
    span.filter(|_| count >= min_words)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn persons(text: &str) -> Vec<String> {
        let g = Gazetteer::embedded().unwrap();
        let mut out = Vec::new();
        Rules::new().persons(g, text, 0, &mut out);
        super::super::resolve(&mut out);
        out.iter().map(|c| c.span.of(text).to_string()).collect()
    }

    fn orgs(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        Rules::new().orgs(text, 0, &mut out);
        out.iter().map(|c| c.span.of(text).to_string()).collect()
    }

    #[test]
    fn titles_and_honorifics() {
        assert_eq!(
            persons("said Chief Executive Dana Quill on a call"),
            ["Dana Quill"]
        );
        assert_eq!(
            persons("Brightwave CEO Okonkwo Brandt said"),
            ["Okonkwo Brandt"]
        );
        assert_eq!(
            persons("according to analyst Priyamvada Lense at a bank"),
            ["Priyamvada Lense"]
        );
        assert_eq!(persons("Mr. Quill declined to comment"), ["Quill"]);
        assert_eq!(
            persons("executive vice president Orla Venn said"),
            ["Orla Venn"]
        );
    }

    #[test]
    fn appositives_and_given_names() {
        assert_eq!(
            persons("Tobiah Marsh, the firm's chief executive, said"),
            ["Tobiah Marsh"]
        );
        assert_eq!(persons("Analyst Jane Doe expects"), ["Jane Doe"]);
        assert_eq!(persons("On Monday Jane Doe said"), ["Jane Doe"]);
        assert!(persons("The Federal Reserve Board met").is_empty());
    }

    #[test]
    fn unlisted_companies() {
        assert_eq!(
            orgs("Shares of Acme Widgets Inc. rose"),
            ["Acme Widgets Inc."]
        );
        assert_eq!(
            orgs("The deal with Blue Harbor Capital closed"),
            ["Blue Harbor Capital"]
        );
        assert_eq!(orgs("It bought Zentrix Corp."), ["Zentrix Corp."]);
        assert_eq!(orgs("Why Investors Like Zentrix Corp"), ["Zentrix Corp"]);
        assert!(orgs("The company said it would grow").is_empty());
    }
}
