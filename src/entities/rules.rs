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
use super::names::{CAPITAL, WORD, with_scan};
use super::{Candidate, Source};
use crate::document::{Entity, EntityType, Span};
use regex::Regex;
use regex_automata::meta::Regex as MetaRegex;
use regex_automata::{Anchored, Input};
use std::cell::RefCell;

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
///
/// Each rule runs only where it can match. A title or honorific opens its match, so those
/// patterns are tried anchored at the title words of a sentence (which gives what a search
/// from the sentence start gives, since no match starts elsewhere); the others run over the
/// sentence only when it has what any of their matches needs: a role word after a comma, a
/// listed given name, a legal suffix after a capitalized word.
pub struct Rules {
    titled: MetaRegex,
    honorific: MetaRegex,
    appositive: Regex,
    run: Regex,
    org: Regex,
    titles: Openings,
    honorifics: Openings,
    roles: Openings,
    suffixes: Openings,
    /// The openings of every title, honorific and role: a word that opens with none of
    /// them is passed over at once.
    person_words: Prefixes,
}

/// A filter on word openings: which texts may start with one of a set of words, ignoring
/// ASCII case. Each word is kept by its first four bytes (or all of them, when it has
/// fewer), hashed into a bit set; a text is looked up by its first two, three and four
/// bytes. Never false where a word opens the text; rarely true elsewhere.
struct Prefixes(Box<[u64; 1024]>);

impl Prefixes {
    fn new<'a>(words: impl IntoIterator<Item = &'a str>) -> Self {
        let mut set = Prefixes(Box::new([0; 1024]));
        for w in words {
            let n = w.len().min(4);
            let key = Prefixes::key(Prefixes::head(w.as_bytes()), n);
            set.0[key >> 6] |= 1 << (key & 63);
        }
        set
    }

    /// The first four bytes of `text` (zeros past its end), each with its 0x20 bit set: ASCII
    /// letters in small, and the same for a word and for any text it opens.
    fn head(text: &[u8]) -> u32 {
        let four = match text.get(..4) {
            Some(four) => four.try_into().expect("4 bytes"),
            None => {
                let mut four = [0u8; 4];
                four[..text.len()].copy_from_slice(text);
                four
            }
        };
        u32::from_le_bytes(four) | 0x2020_2020
    }

    fn key(head: u32, n: usize) -> usize {
        let kept = u64::from(head) & ((1 << (8 * n)) - 1);
        ((kept | (n as u64) << 32).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 48) as usize
    }

    /// Whether one of the words may open `rest`.
    fn open(&self, rest: &[u8]) -> bool {
        let head = Prefixes::head(rest);
        (2..=4).any(|n| {
            let key = Prefixes::key(head, n);
            self.0[key >> 6] & (1 << (key & 63)) != 0
        })
    }
}

/// Words by their first byte, to tell quickly whether one of them opens a text: each word is
/// compared by its first eight bytes at once.
struct Openings {
    /// Per first byte (in small letters when `any_case`): (first eight bytes, mask, word).
    by_first: Vec<Vec<(u64, u64, &'static str)>>,
    /// Compare without ASCII case (the words are in small letters).
    any_case: bool,
}

/// The first eight bytes of `text`, zeros past its end.
fn eight(text: &[u8]) -> u64 {
    match text.get(..8) {
        Some(eight) => u64::from_le_bytes(eight.try_into().expect("8 bytes")),
        None => {
            let mut eight = [0u8; 8];
            eight[..text.len()].copy_from_slice(text);
            u64::from_le_bytes(eight)
        }
    }
}

/// Sets the 0x20 bit of every byte: ASCII letters in small, the same for a word and for any
/// text it opens ignoring case.
const SMALL: u64 = 0x2020_2020_2020_2020;

impl Openings {
    fn new(words: &[&'static str], any_case: bool) -> Self {
        let mut by_first = vec![Vec::new(); 256];
        for &w in words {
            let bytes = w.as_bytes();
            let mask = if bytes.len() < 8 {
                (1 << (8 * bytes.len())) - 1
            } else {
                !0
            };
            let head = eight(bytes) | if any_case { SMALL } else { 0 };
            by_first[usize::from(bytes[0])].push((head & mask, mask, w));
        }
        Openings { by_first, any_case }
    }

    /// Whether one of the words opens `rest` (or, ignoring case, a few other texts).
    fn open(&self, rest: &[u8]) -> bool {
        let Some(&first) = rest.first() else {
            return false;
        };
        let first = if self.any_case {
            first.to_ascii_lowercase()
        } else {
            first
        };
        let list = &self.by_first[usize::from(first)];
        if list.is_empty() {
            return false;
        }
        let x = eight(rest) | if self.any_case { SMALL } else { 0 };
        list.iter().any(|&(head, mask, word)| {
            x & mask == head
                && (word.len() <= 8
                    || rest.get(8..word.len()).is_some_and(|tail| {
                        tail.eq_ignore_ascii_case(&word.as_bytes()[8..])
                            && (self.any_case || tail == &word.as_bytes()[8..])
                    }))
        })
    }
}

impl Default for Rules {
    fn default() -> Self {
        Self::new()
    }
}

/// The first words of every title in [`TITLES`] (compared without case; a few more words
/// pass, which the pattern then rejects).
const TITLE_WORDS: &[&str] = &[
    "chief",
    "ceo",
    "cfo",
    "coo",
    "cto",
    "cio",
    "chair",
    "executive",
    "senior",
    "vice",
    "president",
    "co-founder",
    "cofounder",
    "founder",
    "analyst",
    "economist",
    "strategist",
    "spokes",
    "investor",
    "director",
    "portfolio",
    "fund",
    "managing",
    "general",
    "lawyer",
    "attorney",
    "prime",
    "minister",
    "secretary",
    "governor",
    "senator",
    "sen.",
    "rep.",
    "gov.",
    "judge",
    "professor",
    "prof.",
    "billionaire",
    "entrepreneur",
    "commissioner",
    "chancellor",
    "premier",
    "speaker",
    "researcher",
    "trader",
];

/// The first letters of every honorific in [`HONORIFICS`].
const HONORIFIC_WORDS: &[&str] = &["Mr", "Ms", "Dr", "Sir", "Dame"];

/// The openings of every role in [`ROLES`].
const ROLE_WORDS: &[&str] = &[
    "chief",
    "CEO",
    "CFO",
    "COO",
    "CTO",
    "president",
    "chair",
    "founder",
    "co-founder",
    "analyst",
    "economist",
    "strategist",
    "head",
    "director",
    "managing",
    "partner",
    "portfolio",
    "senior",
    "spokes",
    "executive",
    "vice",
    "professor",
    "minister",
    "secretary",
    "governor",
];

/// The openings of every legal suffix in [`ORG_SUFFIXES`].
const SUFFIX_WORDS: &[&str] = &[
    "Inc",
    "Co",
    "Ltd",
    "S.A.",
    "N.V.",
    "L.P.",
    "Limited",
    "LLC",
    "LLP",
    "plc",
    "PLC",
    "AG",
    "SE",
    "NV",
    "GmbH",
    "SpA",
    "Holdings",
    "Group",
    "Partners",
    "Capital",
    "Bancorp",
    "Therapeutics",
    "Pharmaceuticals",
    "Technologies",
    "Ventures",
    "Securities",
    "Advisors",
    "Associates",
];

/// What one scan of a sentence found for the PERSON rules.
#[derive(Default)]
struct Cues {
    /// Word starts where a title or an honorific may open a match.
    titles: Vec<usize>,
    honorifics: Vec<usize>,
    /// A role word, which an appositive needs.
    role: bool,
    /// A listed given name, which a name run needs.
    given: bool,
}

thread_local! {
    /// Reused by every sentence a thread reads.
    static CUES: RefCell<Cues> = RefCell::default();
}

impl Rules {
    pub fn new() -> Self {
        let full =
            format!(r"{TOKEN}(?:\s+\p{{Lu}}\.)?(?:\s+(?:{PARTICLE}\s+){{0,2}}{TOKEN}){{1,2}}");
        let any = format!(r"{TOKEN}(?:\s+(?:{PARTICLE}\s+){{0,2}}{TOKEN}){{0,2}}");
        Rules {
            titled: MetaRegex::new(&format!(r"(?-u:\b){TITLES}\s+({full})")).expect("title pattern"),
            honorific: MetaRegex::new(&format!(r"(?-u:\b){HONORIFICS}\s+({any})")).expect("honorific pattern"),
            appositive: Regex::new(&format!(
                r"({full}),\s+(?:the\s+|a\s+|an\s+|its\s+|their\s+|our\s+|his\s+|her\s+)?(?:[\p{{L}}\p{{N}}.&-]+['’]s\s+|\p{{Lu}}[\p{{L}}\p{{N}}.&'’-]*\s+){{0,3}}{ROLES}(?-u:\b)"
            ))
            .expect("appositive pattern"),
            run: Regex::new(&format!(r"{TOKEN}(?:\s+(?:\p{{Lu}}\.\s+)?(?:{PARTICLE}\s+){{0,2}}{TOKEN})+")).expect("name run pattern"),
            org: Regex::new(&format!(
                r"(?-u:\b)((?:\p{{Lu}}[\p{{L}}\p{{N}}&'’.-]*)(?:\s+(?:&\s+)?\p{{Lu}}[\p{{L}}\p{{N}}&'’.-]*){{0,4}}),?\s+{ORG_SUFFIXES}"
            ))
            .expect("org pattern"),
            titles: Openings::new(TITLE_WORDS, true),
            honorifics: Openings::new(HONORIFIC_WORDS, false),
            roles: Openings::new(ROLE_WORDS, false),
            suffixes: Openings::new(SUFFIX_WORDS, false),
            person_words: Prefixes::new(
                TITLE_WORDS
                    .iter()
                    .chain(HONORIFIC_WORDS)
                    .chain(ROLE_WORDS)
                    .copied(),
            ),
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
        CUES.with_borrow_mut(|cues| self.persons_with(g, text, offset, out, cues));
    }

    fn persons_with(
        &self,
        g: &Gazetteer,
        text: &str,
        offset: usize,
        out: &mut Vec<Candidate>,
        cues: &mut Cues,
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
        self.person_cues(g, text, cues);
        for (re, starts, min_words) in [
            (&self.titled, &cues.titles, 2),
            (&self.honorific, &cues.honorifics, 1),
        ] {
            let mut from = 0;
            for &p in starts {
                if p < from {
                    continue;
                }
                if let Some((start, end, whole)) = group_at(re, text, p) {
                    push(start, end, min_words);
                    from = whole.max(p + 1);
                }
            }
        }
        if cues.role && text.contains(", ") {
            for m in self.appositive.find_iter(text) {
                push(m.start(), m.start() + appositive_name_len(m.as_str()), 2);
            }
        }
        if !cues.given {
            return;
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
        if !self.may_have_suffix(text) {
            return;
        }
        for whole in self.org.find_iter(text) {
            let name_end = whole.start() + org_name_len(whole.as_str());
            // The name starts after the last word that is no part of one: "On Monday Acme
            // Corp", "Why Investors Like Acme Corp" (a headline in title case).
            let mut start = None;
            for (s, w) in words_of(text, whole.start(), name_end) {
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

    /// One scan of `text` for what the PERSON rules need (see [`Cues`]).
    fn person_cues(&self, g: &Gazetteer, text: &str, cues: &mut Cues) {
        let b = text.as_bytes();
        cues.titles.clear();
        cues.honorifics.clear();
        cues.role = false;
        // Every listed given name is a capital and small letters: one of those words in the text
        // (followed by no small letter) is what a name run may hold. Otherwise any text may.
        cues.given = !g.first_names_are_plain();
        with_scan(text, |scan| {
            scan.each(
                |m| m[WORD],
                |p| {
                    let rest = &b[p..];
                    if !self.person_words.open(rest) {
                        return;
                    }
                    if self.titles.open(rest) {
                        cues.titles.push(p);
                    }
                    if self.honorifics.open(rest) {
                        cues.honorifics.push(p);
                    }
                    if !cues.role && self.roles.open(rest) {
                        cues.role = true;
                    }
                },
            );
            // A given name may start at any capital ("iJane Roe" holds "Jane Roe").
            cues.given = cues.given
                || scan.find(
                    |m| m[CAPITAL],
                    |p| {
                        let end = p
                            + 1
                            + b[p + 1..]
                                .iter()
                                .take_while(|c| c.is_ascii_lowercase())
                                .count();
                        end > p + 1 && g.is_first_name(&text[p..end])
                    },
                );
        });
    }

    /// Whether `text` has a legal suffix after white space and a stretch of name characters with
    /// a capital in it ("Acme Widgets Inc", "Blue Harbor Capital"): what [`Rules::orgs`]
    /// needs.
    fn may_have_suffix(&self, text: &str) -> bool {
        let b = text.as_bytes();
        with_scan(text, |scan| {
            scan.find(
                |m| m[WORD],
                |p| {
                    // Every suffix opens with a capital, but "plc".
                    if b[p].is_ascii_lowercase() && b[p] != b'p' || !self.suffixes.open(&b[p..]) {
                        return false;
                    }
                    let before = text[..p].trim_end_matches(char::is_whitespace);
                    if before.len() == p {
                        return false;
                    }
                    let before = before.strip_suffix(',').unwrap_or(before);
                    before
                        .chars()
                        .rev()
                        .take_while(|&c| c.is_alphanumeric() || "&'’.-".contains(c))
                        .any(char::is_uppercase)
                },
            )
        })
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
        let surnames = Surnames::new(&surnames);
        let mut taken: Vec<Span> = entities.iter().map(|e| e.span).collect();
        taken.sort();
        let mut added = Vec::new();
        for sentence in sentences {
            let s = sentence.of(text);
            for (start, end) in surnames.leftmost_longest(s) {
                let span = Span::new(sentence.start + start, sentence.start + end);
                if !super::names::word_start(s, start) || !super::names::word_end(s, end) {
                    continue;
                }
                // "Lisa Roe" is someone else; an overlap means another entity is there.
                let before = &s[..start];
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

/// The length of the name that opens a match of the appositive pattern: up to its comma (a
/// name holds none). Its group 1, without the cost of reading groups.
fn appositive_name_len(m: &str) -> usize {
    m.find(',').expect("an appositive has a comma")
}

/// The length of the name in a match of the ORG pattern: what comes before the white space
/// (and comma) in front of the legal suffix, which holds no white space. Its group 1.
fn org_name_len(m: &str) -> usize {
    let (last, c) = m
        .char_indices()
        .rfind(|(_, c)| c.is_whitespace())
        .expect("a legal suffix follows white space");
    let before = m[..last + c.len_utf8()].trim_end_matches(char::is_whitespace);
    before.strip_suffix(',').unwrap_or(before).len()
}

/// Group 1 of `re` matched anchored at `p` of `text`, and where the whole match ends.
///
/// The match is found first without groups (the fast path, and most tries fail there); the
/// groups are then read within the match alone. Neither pattern looks past its end, so the
/// same path wins there.
fn group_at(re: &MetaRegex, text: &str, p: usize) -> Option<(usize, usize, usize)> {
    let m = re.search(&Input::new(text).range(p..).anchored(Anchored::Yes))?;
    let mut slots = [None; 4];
    let within = Input::new(text).range(p..m.end()).anchored(Anchored::Yes);
    re.search_slots(&within, &mut slots)?;
    let [_, _, start, end] = slots.map(|s| s.map(|s| s.get()));
    Some((start?, end?, m.end()))
}

/// The surnames of one article, to find with leftmost-longest semantics (as an Aho-Corasick
/// search would, without building an automaton for a handful of names).
struct Surnames<'a> {
    names: &'a [&'a str],
    /// The first byte of every name.
    opens: [bool; 256],
    /// Every name opens with an ASCII capital or a byte beyond ASCII.
    capitals_only: bool,
}

impl<'a> Surnames<'a> {
    fn new(names: &'a [&'a str]) -> Self {
        let mut opens = [false; 256];
        for name in names {
            opens[usize::from(name.as_bytes()[0])] = true;
        }
        let capitals_only = (0..0x80u8).all(|b| !opens[usize::from(b)] || b.is_ascii_uppercase());
        Surnames {
            names,
            opens,
            capitals_only,
        }
    }

    /// The non-overlapping matches in `text`, each the longest name at the leftmost place
    /// where one starts.
    fn leftmost_longest(&'a self, text: &'a str) -> impl Iterator<Item = (usize, usize)> + 'a {
        let bytes = text.as_bytes();
        let mut i = 0;
        std::iter::from_fn(move || {
            while i < bytes.len() {
                // Stretches of eight bytes that no name can open are passed over at once.
                if self.capitals_only
                    && let Some(eight) = bytes.get(i..i + 8)
                    && !may_hold_capital(u64::from_le_bytes(eight.try_into().expect("8 bytes")))
                {
                    i += 8;
                    continue;
                }
                let start = i;
                i += 1;
                if !self.opens[usize::from(bytes[start])] {
                    continue;
                }
                let rest = &bytes[start..];
                let longest = self
                    .names
                    .iter()
                    .filter(|n| rest.starts_with(n.as_bytes()))
                    .map(|n| n.len())
                    .max();
                if let Some(len) = longest {
                    i = start + len;
                    return Some((start, i));
                }
            }
            None
        })
    }
}

/// Whether one of the eight bytes of `x` is an ASCII capital or a byte beyond ASCII.
fn may_hold_capital(x: u64) -> bool {
    const fn lanes(b: u8) -> u64 {
        b as u64 * 0x0101_0101_0101_0101
    }
    // With the top bits clear, no byte carries into the next: the top bit of each sum says
    // byte >= 'A', or byte > 'Z'.
    let low = x & !lanes(0x80);
    let capital = low.wrapping_add(lanes(0x80 - b'A')) & !low.wrapping_add(lanes(0x7F - b'Z'));
    (capital | x) & lanes(0x80) != 0
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
    fn names_without_groups_are_group_one() {
        let rules = Rules::new();
        let texts = [
            "Tobiah Marsh, the firm's chief executive, said",
            "Ann Jane Roe Smith, CEO of Acme, and Jo Ng,\u{a0}its head of sales",
            "Shares of Acme Widgets Inc. rose; Blue Harbor Capital and Zentrix, Corp. fell",
            "Why Investors Like Acme & Sons Holdings,\tGroup LLC",
        ];
        for text in texts {
            for caps in rules.appositive.captures_iter(text) {
                let (m, name) = (caps.get(0).unwrap(), caps.get(1).unwrap());
                assert_eq!(name.start(), m.start());
                assert_eq!(name.len(), appositive_name_len(m.as_str()), "{text}");
            }
            for caps in rules.org.captures_iter(text) {
                let (m, name) = (caps.get(0).unwrap(), caps.get(1).unwrap());
                assert_eq!(name.start(), m.start());
                assert_eq!(name.len(), org_name_len(m.as_str()), "{text}");
            }
        }
    }

    #[test]
    fn surnames_leftmost_longest() {
        let names = ["Roe", "Roebuck", "Stone"];
        let text = "Roebuck and Roe met RoeStone, then the stone Roe";
        let got: Vec<_> = Surnames::new(&names)
            .leftmost_longest(text)
            .map(|(s, e)| &text[s..e])
            .collect();
        assert_eq!(got, ["Roebuck", "Roe", "Roe", "Stone", "Roe"]);
        for b in 0..=255u8 {
            let x = u64::from_le_bytes([b' ', b'a', b, b'z', b'0', b'.', b' ', b'q']);
            assert_eq!(
                may_hold_capital(x),
                b.is_ascii_uppercase() || b >= 0x80,
                "{b}"
            );
        }
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
