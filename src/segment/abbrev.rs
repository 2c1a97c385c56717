//! Abbreviations and sentence starters: a word before a period -> how that period may end a
//! sentence.
//!
//! ```text
//! "Mr"   -> Title      (never ends a sentence: "Mr. Huang")
//! "Inc"  -> Company    (ends one unless a role or name part follows: "Apple Inc. Chief ...")
//! "Jan"  -> Starter    (ends one only before a typical sentence opener: "in Jan. The ...")
//! "U.S"  -> Starter    ("the U.S. Treasury" vs "in the U.S. The ...")
//! "No"   -> Numero     ("No. 2" vs "said no. The ...")
//! "vs"   -> Never
//! ```
//!
//! The lists live here as `match` arms: the compiler turns them into a few comparisons, and
//! nothing is built at run time.

/// How a period after a word may end a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Abbrev {
    /// An ordinary word: the period ends a sentence before a capital, a digit or a quote.
    Word,
    /// A title before a name: never ends a sentence.
    Title,
    /// Never ends a sentence ("vs.", "e.g.", "approx.").
    Never,
    /// A company suffix: ends a sentence before a capitalized word unless that word goes on
    /// with the company's name or a role ("Apple Inc. Chief Executive ...").
    Company,
    /// Ends a sentence only before a typical sentence opener (initials, months, states,
    /// "U.S.", "Jr.", "St.").
    Starter,
    /// "No."/"Nos.": an abbreviation before a number, a word otherwise.
    Numero,
}

/// Classifies the word before a period, as written (`word` has no final period and no
/// brackets or quotes around it).
pub(crate) fn classify(word: &str) -> Abbrev {
    if matches!(word, "N°" | "Nº" | "n°" | "nº") {
        return Abbrev::Numero;
    }
    if word.is_empty() || word.len() > 12 || !word.is_ascii() {
        return Abbrev::Word;
    }
    let b = word.as_bytes();
    // Single letters are initials: "John D. Rockefeller", "Class B."
    if b.len() == 1 {
        return if b[0].is_ascii_alphabetic() {
            Abbrev::Starter
        } else {
            Abbrev::Word
        };
    }
    // Dotted initialisms: "U.S", "J.P", "a.m", "e.g".
    if word.contains('.') {
        let lower = lowercase(word);
        let lower = lower.as_str();
        if matches!(lower, "e.g" | "i.e" | "viz") {
            return Abbrev::Never;
        }
        if lower == "ph.d" {
            return Abbrev::Starter;
        }
        let initials = word
            .split('.')
            .all(|part| part.len() == 1 && part.as_bytes()[0].is_ascii_alphabetic());
        return if initials {
            Abbrev::Starter
        } else {
            Abbrev::Word
        };
    }
    let capitalized = b[0].is_ascii_uppercase();
    let lower = lowercase(word);
    match lower.as_str() {
        "mr" | "mrs" | "ms" | "messrs" | "mmes" | "dr" | "prof" | "sen" | "sens" | "rep"
        | "reps" | "gov" | "govs" | "gen" | "lt" | "col" | "capt" | "cmdr" | "maj" | "sgt"
        | "adm" | "rev" | "hon" | "pres" | "supt" | "atty" | "amb" | "fr" | "insp" | "det" => {
            Abbrev::Title
        }
        "vs" | "cf" | "approx" | "incl" | "excl" | "esp" | "resp" | "viz" | "ca" => Abbrev::Never,
        "inc" | "corp" | "co" | "cos" | "ltd" | "llc" | "plc" | "lp" | "llp" | "ag" | "sa"
        | "nv" | "bv" | "spa" | "bhd" | "pte" | "pty" | "bros" | "hldgs" | "mfg" | "intl" => {
            Abbrev::Company
        }
        "no" | "nos" => Abbrev::Numero,
        "jr" | "sr" | "st" | "mt" | "ft" | "ave" | "blvd" | "rd" | "hwy" | "dept" | "div"
        | "univ" | "assn" | "natl" | "govt" | "est" | "fig" | "figs" | "vol" | "vols" | "pp"
        | "eds" | "al" | "mln" | "bln" | "pct" | "yr" | "yrs" | "qtr" | "wk" | "wks" | "hr"
        | "hrs" | "avg" | "tel" | "ext" | "ref" | "misc" | "assoc" | "dist" | "sq" | "oz"
        | "lb" | "lbs" | "cu" | "kg" | "mos" => Abbrev::Starter,
        // Months and days, and US states: only as written with a capital, since several are
        // also words ("ill", "mass", "wash").
        "jan" | "feb" | "mar" | "apr" | "jun" | "jul" | "aug" | "sep" | "sept" | "oct" | "nov"
        | "dec" | "mon" | "tue" | "tues" | "wed" | "thu" | "thur" | "thurs" | "fri" | "sat"
        | "ala" | "ariz" | "ark" | "calif" | "colo" | "conn" | "del" | "fla" | "ga" | "ill"
        | "ind" | "kan" | "kans" | "ky" | "la" | "md" | "mass" | "mich" | "minn" | "miss"
        | "mo" | "mont" | "neb" | "nev" | "okla" | "ore" | "pa" | "tenn" | "tex" | "va" | "vt"
        | "wash" | "wis" | "wyo"
            if capitalized =>
        {
            Abbrev::Starter
        }
        _ => Abbrev::Word,
    }
}

/// A lowercase copy in a small stack buffer (`word` is ASCII and at most 12 bytes).
fn lowercase(word: &str) -> Small {
    let mut buf = [0u8; 12];
    let n = word.len().min(12);
    for (d, s) in buf.iter_mut().zip(word.as_bytes()) {
        *d = s.to_ascii_lowercase();
    }
    Small { buf, n }
}

struct Small {
    buf: [u8; 12],
    n: usize,
}

impl Small {
    fn as_str(&self) -> &str {
        // ASCII in, ASCII out.
        std::str::from_utf8(&self.buf[..self.n]).unwrap_or("")
    }
}

/// Capitalized words that typically open a sentence. After an initial, a month, a state or
/// "U.S." only these end the sentence: "in the U.S. The company ..." splits, "the U.S.
/// Treasury ..." does not.
pub(crate) fn is_starter(word: &str) -> bool {
    matches!(
        word,
        "The"
            | "A"
            | "An"
            | "This"
            | "That"
            | "These"
            | "Those"
            | "It"
            | "Its"
            | "It's"
            | "He"
            | "She"
            | "They"
            | "We"
            | "I"
            | "You"
            | "His"
            | "Her"
            | "Their"
            | "Our"
            | "My"
            | "Your"
            | "There"
            | "Here"
            | "But"
            | "And"
            | "Or"
            | "So"
            | "Yet"
            | "However"
            | "Meanwhile"
            | "Still"
            | "Also"
            | "Moreover"
            | "Furthermore"
            | "Additionally"
            | "Separately"
            | "Instead"
            | "Indeed"
            | "Nevertheless"
            | "Nonetheless"
            | "Thus"
            | "Therefore"
            | "Then"
            | "Now"
            | "Today"
            | "Yesterday"
            | "Last"
            | "Next"
            | "Earlier"
            | "Later"
            | "Overall"
            | "In"
            | "On"
            | "At"
            | "For"
            | "With"
            | "As"
            | "After"
            | "Before"
            | "Since"
            | "While"
            | "When"
            | "Where"
            | "Why"
            | "How"
            | "What"
            | "Who"
            | "Which"
            | "Whether"
            | "If"
            | "Although"
            | "Though"
            | "Despite"
            | "During"
            | "Under"
            | "Over"
            | "Until"
            | "Unlike"
            | "According"
            | "Among"
            | "Amid"
            | "By"
            | "From"
            | "To"
            | "Both"
            | "Some"
            | "Many"
            | "Most"
            | "All"
            | "Any"
            | "Each"
            | "Every"
            | "Several"
            | "Such"
            | "Other"
            | "Another"
            | "No"
            | "Not"
            | "Only"
            | "Even"
            | "Did"
            | "Do"
            | "Does"
            | "Is"
            | "Are"
            | "Was"
            | "Were"
            | "Can"
            | "Could"
            | "Would"
            | "Should"
            | "Has"
            | "Have"
            | "Had"
            | "Analysts"
            | "Investors"
            | "Shares"
            | "Stocks"
            | "Revenue"
            | "Sales"
            | "Earnings"
            | "Profit"
            | "Traders"
            | "Executives"
            | "Officials"
            | "Management"
    )
}

/// Capitalized words that go on with a company's name after its suffix: a role, a further
/// suffix or a share class. "Apple Inc. Chief Executive ..." is one sentence.
pub(crate) fn continues_company(word: &str) -> bool {
    matches!(
        word,
        "Chief"
            | "CEO"
            | "CFO"
            | "COO"
            | "CTO"
            | "Chairman"
            | "Chairwoman"
            | "Chair"
            | "President"
            | "Vice"
            | "Executive"
            | "Senior"
            | "Managing"
            | "Director"
            | "Directors"
            | "Head"
            | "Founder"
            | "Co-founder"
            | "Cofounder"
            | "General"
            | "Treasurer"
            | "Secretary"
            | "Spokesman"
            | "Spokeswoman"
            | "Spokesperson"
            | "Group"
            | "Holdings"
            | "Ltd"
            | "Limited"
            | "Inc"
            | "Corp"
            | "Co"
            | "LLC"
            | "LP"
            | "PLC"
            | "AG"
            | "SA"
            | "NV"
            | "Class"
            | "Series"
            | "Common"
            | "Preferred"
            | "Board"
            | "Unit"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        assert_eq!(classify("Mr"), Abbrev::Title);
        assert_eq!(classify("Inc"), Abbrev::Company);
        assert_eq!(classify("Corp"), Abbrev::Company);
        assert_eq!(classify("U.S"), Abbrev::Starter);
        assert_eq!(classify("J.P"), Abbrev::Starter);
        assert_eq!(classify("p.m"), Abbrev::Starter);
        assert_eq!(classify("e.g"), Abbrev::Never);
        assert_eq!(classify("D"), Abbrev::Starter);
        assert_eq!(classify("Jan"), Abbrev::Starter);
        assert_eq!(classify("No"), Abbrev::Numero);
        assert_eq!(classify("vs"), Abbrev::Never);
        // Words, not abbreviations.
        assert_eq!(classify("rose"), Abbrev::Word);
        assert_eq!(classify("3"), Abbrev::Word);
        assert_eq!(classify("Amazon.com"), Abbrev::Word);
        assert_eq!(classify("BRK.B"), Abbrev::Word);
        assert_eq!(classify("etc"), Abbrev::Word);
        // States and months count only capitalized.
        assert_eq!(classify("Calif"), Abbrev::Starter);
        assert_eq!(classify("mass"), Abbrev::Word);
        assert_eq!(classify("ill"), Abbrev::Word);
    }

    #[test]
    fn word_sets() {
        assert!(is_starter("The"));
        assert!(!is_starter("Treasury"));
        assert!(continues_company("Chief"));
        assert!(!continues_company("The"));
    }
}
