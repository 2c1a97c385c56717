//! Tickers as written: sentence text -> TICKER candidates, linked to the listed company.
//!
//! ```text
//! "Nvidia (NASDAQ: NVDA)"  -> NVDA    (the exchange is no part of the span; where it is a
//!                                      listed name, "NASDAQ" is an ORG of its own, no id)
//! "Meta Platforms (META)"  -> META    (a known symbol in brackets right after a name)
//! "$TSLA"                  -> $TSLA   (a cashtag keeps its dollar sign)
//! "Alphabet (GOOG.O)"      -> GOOG.O  (wire code; id GOOGL)
//! "Vodafone (VOD.L)"       -> VOD.L   (home-exchange code; id VOD)
//! "TSLA shares"            -> TSLA    (a known symbol in capitals before shares/stock)
//! ```
//!
//! Ids: a symbol the gazetteer lists links to its company, so every share class and code
//! maps to the one id (GOOG and GOOG.O -> GOOGL, BRK-A -> BRK.B). A symbol written with its
//! exchange or as a wire code that is not listed keeps itself as the id (`ACME`, `BARC.L`); an
//! unknown cashtag has no id.

use super::gazetteer::{CompanyId, Gazetteer};
use super::names::Names;
use super::names::{COLON, DOLLAR, LOWER, OPEN, WORD, with_scan};
use super::{Candidate, Link, Source};
use crate::document::{EntityType, Span};
use regex::Regex;

/// Exchange prefixes: `(NASDAQ: NVDA)`, `(NYSE:F)`, `(TSX: SHOP)`, `(LSE: BP)`.
const EXCHANGE: &str = r"(?-u:\b)(NASDAQ|Nasdaq|NasdaqGS|NasdaqGM|NasdaqCM|NYSE American|NYSE Arca|NYSE MKT|NYSEAMERICAN|NYSEARCA|NYSE|AMEX|Amex|TSXV|TSX-V|TSX|CSE|LSE|LON|AIM|ASX|HKEX|HKSE|SEHK|SGX|NSE|BSE|OTCQX|OTCQB|OTC Markets|OTCMKTS|OTC|Euronext|EURONEXT|EPA|AMS|EBR|ETR|FRA|FWB|XETRA|Xetra|SIX|SWX|TYO|TSE|KRX|KOSDAQ|KOSPI|TWSE|TPE|SZSE|SSE|JSE|BMV|BME|STO|CPH|HEL|OSL|BIT|NZX|Cboe|CBOE|BATS|NEO)[ \x{A0}]?:[ \x{A0}]?([A-Z0-9]{1,6}(?:[.\-/][A-Z0-9]{1,3})?)(?-u:\b)";

/// A symbol alone in brackets: `(META)`, `( GOOG.O )`, `<AAPL.O>`.
const BRACKET: &str = r"[(<][ \x{A0}]?([A-Z0-9]{1,6}(?:[.\-/][A-Za-z0-9]{1,3})?)[ \x{A0}]?[)>]";

/// A cashtag: `$TSLA`, `$BRK.B`.
const CASHTAG: &str = r"\$[A-Z]{1,6}(?:\.[A-Z]{1,2})?(?-u:\b)";

/// A symbol in capitals right before "shares" or "stock".
const BARE: &str = r"(?-u:\b)([A-Z]{2,5}(?:\.[A-Z])?)[ \x{A0}](?:shares|stock|stocks)(?-u:\b)";

/// Capitals that are words or common acronyms, never taken as a bare symbol.
const NOT_SYMBOLS: &[&str] = &[
    "AI", "ALL", "AN", "ARE", "AS", "AT", "BE", "BY", "CEO", "CFO", "DO", "EPS", "ETF", "EU", "EV",
    "GDP", "GO", "HAS", "IF", "IN", "IPO", "IS", "IT", "NO", "NOW", "OF", "ON", "OR", "SO", "TO",
    "UK", "UP", "US", "USA", "WE",
];

/// Wire-code suffixes of US venues: `.O` (Nasdaq), `.N` (NYSE), and the like.
const US_VENUES: &[&str] = &["O", "OQ", "N", "K", "A", "P", "PK", "OB", "Z"];

/// Wire-code suffixes of other exchanges.
const HOME_VENUES: &[&str] = &[
    "T", "HK", "KS", "KQ", "TW", "TWO", "SS", "SZ", "NS", "BO", "AX", "L", "PA", "AS", "BR", "DE",
    "F", "MI", "MC", "S", "SW", "ST", "CO", "HE", "OL", "TO", "V", "SI", "J", "MX", "SA", "NZ",
    "IR", "LS", "VI", "WA", "SR",
];

/// The home-exchange suffix for an exchange prefix, or `None` for US venues.
fn venue_suffix(exchange: &str) -> Option<&'static str> {
    Some(match exchange {
        "TSX" => "TO",
        "TSXV" | "TSX-V" => "V",
        "CSE" => "CN",
        "LSE" | "LON" | "AIM" => "L",
        "ASX" => "AX",
        "HKEX" | "HKSE" | "SEHK" => "HK",
        "SGX" => "SI",
        "NSE" => "NS",
        "BSE" => "BO",
        "Euronext" | "EURONEXT" | "EPA" => "PA",
        "AMS" => "AS",
        "EBR" => "BR",
        "ETR" | "FRA" | "FWB" | "XETRA" | "Xetra" => "DE",
        "SIX" | "SWX" => "S",
        "TYO" | "TSE" => "T",
        "KRX" | "KOSPI" => "KS",
        "KOSDAQ" => "KQ",
        "TWSE" | "TPE" => "TW",
        "SZSE" => "SZ",
        "SSE" => "SS",
        "JSE" => "J",
        "BMV" => "MX",
        "BME" => "MC",
        "STO" => "ST",
        "CPH" => "CO",
        "HEL" => "HE",
        "OSL" => "OL",
        "BIT" => "MI",
        "NZX" => "NZ",
        "NEO" => "NE",
        _ => return None,
    })
}

/// Looks up a home-exchange code, padding Hong Kong codes to four digits (`700.HK` ->
/// `0700.HK`).
fn home_code(g: &Gazetteer, root: &str, suffix: &str) -> Option<CompanyId> {
    if suffix == "HK" && root.len() < 4 && root.bytes().all(|b| b.is_ascii_digit()) {
        return g.symbol(&format!("{root:0>4}.HK"));
    }
    g.symbol(&format!("{root}.{suffix}"))
}

/// What a wire code (`ROOT.SUFFIX`) links to, or `None` when it is not one.
fn wire_code(g: &Gazetteer, symbol: &str) -> Option<Link> {
    if let Some(id) = g.symbol(symbol) {
        return Some(Link::Company(id));
    }
    let (root, suffix) = symbol.rsplit_once('.')?;
    let suffix_upper = suffix.to_ascii_uppercase();
    if US_VENUES.contains(&suffix)
        && (1..=5).contains(&root.len())
        && root.bytes().all(|b| b.is_ascii_uppercase())
    {
        return Some(
            g.symbol(root)
                .map_or_else(|| Link::Symbol(root.to_string()), Link::Company),
        );
    }
    if HOME_VENUES.contains(&suffix_upper.as_str()) && !root.is_empty() {
        return Some(home_code(g, root, &suffix_upper).map_or_else(
            || Link::Symbol(format!("{root}.{suffix_upper}")),
            Link::Company,
        ));
    }
    None
}

/// The names (sorted by end) that end at most `gap` bytes before `pos`.
fn just_before(names: &[Candidate], pos: usize, gap: usize) -> impl Iterator<Item = &Candidate> {
    let to = names.partition_point(|n| n.claim.end <= pos);
    names[..to]
        .iter()
        .rev()
        .take_while(move |n| n.claim.end + gap >= pos)
}

/// The ticker rules, compiled once.
pub struct Tickers {
    exchange: Regex,
    bracket: Regex,
    cashtag: Regex,
    bare: Regex,
}

impl Default for Tickers {
    fn default() -> Self {
        Self::new()
    }
}

impl Tickers {
    pub fn new() -> Self {
        Tickers {
            exchange: Regex::new(EXCHANGE).expect("exchange pattern"),
            bracket: Regex::new(BRACKET).expect("bracket pattern"),
            cashtag: Regex::new(CASHTAG).expect("cashtag pattern"),
            bare: Regex::new(BARE).expect("bare symbol pattern"),
        }
    }

    /// Pushes TICKER candidates of `text` (a sentence at byte `offset`) to `out`. `names` are
    /// the sentence's name candidates: a bracketed symbol right after a name of the same
    /// company is a ticker, and gives that name support.
    pub(crate) fn find(
        &self,
        g: &Gazetteer,
        listed: &Names,
        text: &str,
        offset: usize,
        names: &mut [Candidate],
        out: &mut Vec<Candidate>,
    ) {
        // Sorted by end, the names right before a position are found by binary search.
        names.sort_unstable_by_key(|n| n.claim.end);
        // What each form needs, from the scan the names were found with: a colon; a bracket,
        // maybe a space, then a capital or a digit; `$` and a capital; "shares" or "stock"
        // after a space.
        let b = text.as_bytes();
        let opens_symbol = |i: usize| {
            let rest = match &b[i + 1..] {
                [b' ', rest @ ..] | [0xC2, 0xA0, rest @ ..] => rest,
                rest => rest,
            };
            rest.first()
                .is_some_and(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        };
        let shares = |p: usize| {
            let spaced = (p >= 1 && b[p - 1] == b' ') || (p >= 2 && b[p - 2..p] == [0xC2, 0xA0]);
            spaced && (b[p..].starts_with(b"shares") || b[p..].starts_with(b"stock"))
        };
        let (exchange, bracket, cashtag, bare) = with_scan(text, |scan| {
            (
                scan.find(|m| m[COLON], |_| true),
                scan.find(|m| m[OPEN], opens_symbol),
                scan.find(
                    |m| m[DOLLAR],
                    |i| b.get(i + 1).is_some_and(u8::is_ascii_uppercase),
                ),
                scan.find(|m| m[WORD] & m[LOWER], shares),
            )
        });
        if exchange {
            for caps in self.exchange.captures_iter(text) {
                let (whole, exchange, symbol) =
                    (caps.get(0).unwrap(), &caps[1], caps.get(2).unwrap());
                let sym = symbol.as_str();
                let link = match venue_suffix(exchange) {
                    Some(suffix) => home_code(g, sym, suffix)
                        .map_or_else(|| Link::Symbol(format!("{sym}.{suffix}")), Link::Company),
                    None => g
                        .symbol(sym)
                        .map_or_else(|| Link::Symbol(sym.to_string()), Link::Company),
                };
                let claim = Span::new(offset + whole.start(), offset + whole.end());
                let span = Span::new(offset + symbol.start(), offset + symbol.end());
                // The exchange is no part of the ticker; where it is a listed name
                // ("NASDAQ", "NYSE") it stands as an organization of its own.
                let mut c = self.ticker(span, claim, link, names);
                c.claim = span;
                out.push(c);
            }
        }
        if bracket {
            for caps in self.bracket.captures_iter(text) {
                let (whole, symbol) = (caps.get(0).unwrap(), caps.get(1).unwrap());
                let sym = symbol.as_str();
                let claim = Span::new(offset + whole.start(), offset + whole.end());
                let link = if sym.contains(['.', '-', '/']) {
                    match wire_code(g, sym) {
                        Some(link) => link,
                        None => continue,
                    }
                } else {
                    // A plain symbol counts only right after a name: "Meta Platforms (META)".
                    let Some(id) = g
                        .symbol(sym)
                        .filter(|_| sym.bytes().all(|b| b.is_ascii_uppercase()))
                    else {
                        continue;
                    };
                    let before = just_before(names, claim.start, 8)
                        .filter(|n| {
                            text[n.claim.end - offset..claim.start - offset]
                                .trim()
                                .is_empty()
                        })
                        .max_by_key(|n| n.claim.len());
                    match before {
                        Some(n)
                            if n.link == Link::Company(id)
                                || (n.kind == EntityType::Org && !listed.is_name(sym)) => {}
                        _ => continue,
                    }
                    Link::Company(id)
                };
                let span = Span::new(offset + symbol.start(), offset + symbol.end());
                out.push(self.ticker(span, claim, link, names));
            }
        }
        if cashtag {
            for m in self.cashtag.find_iter(text) {
                if text[..m.start()]
                    .chars()
                    .next_back()
                    .is_some_and(char::is_alphanumeric)
                {
                    continue; // "US$" is a currency
                }
                let link = g.symbol(&m.as_str()[1..]).map_or(Link::None, Link::Company);
                let span = Span::new(offset + m.start(), offset + m.end());
                out.push(self.ticker(span, span, link, names));
            }
        }
        if !bare {
            return;
        }
        for caps in self.bare.captures_iter(text) {
            let symbol = caps.get(1).unwrap();
            let sym = symbol.as_str();
            if NOT_SYMBOLS.contains(&sym) || listed.is_name(sym) {
                continue;
            }
            if let Some(id) = g.symbol(sym) {
                let span = Span::new(offset + symbol.start(), offset + symbol.end());
                out.push(self.ticker(span, span, Link::Company(id), names));
            }
        }
    }

    fn ticker(&self, span: Span, claim: Span, link: Link, names: &mut [Candidate]) -> Candidate {
        // The name right before a ticker of its own company is certainly that company.
        if matches!(link, Link::Company(_)) {
            let to = names.partition_point(|n| n.claim.end <= claim.start);
            for n in names[..to]
                .iter_mut()
                .rev()
                .take_while(|n| n.claim.end + 3 >= claim.start)
            {
                if n.link == link {
                    n.supported = true;
                }
            }
        }
        let mut c = Candidate::new(span, EntityType::Ticker, Source::Ticker);
        c.claim = claim;
        c.link = link;
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tickers(text: &str) -> Vec<(String, Option<String>)> {
        let g = Gazetteer::embedded().unwrap();
        let names = Names::new(g).unwrap();
        let mut found = Vec::new();
        names.find(g, text, 0, 0, &mut found);
        let mut out = Vec::new();
        Tickers::new().find(g, &names, text, 0, &mut found, &mut out);
        out.iter()
            .map(|c| {
                let id = match &c.link {
                    Link::None => None,
                    Link::Company(id) => Some(g.company(*id).ticker.clone()),
                    Link::Symbol(s) => Some(s.clone()),
                };
                (c.span.of(text).to_string(), id)
            })
            .collect()
    }

    fn one(text: &str, symbol: &str, id: Option<&str>) {
        assert_eq!(
            tickers(text),
            vec![(symbol.to_string(), id.map(str::to_string))],
            "{text}"
        );
    }

    #[test]
    fn exchange_prefixes() {
        one("Nvidia (NASDAQ: NVDA) rose", "NVDA", Some("NVDA"));
        one("Ford (NYSE:F) fell", "F", Some("F"));
        one("Acme (Nasdaq: ACMW) jumped", "ACMW", Some("ACMW"));
        one("Toyota (TYO: 7203) rose", "7203", Some("TM"));
        one("Tesco (LSE: TSCO) rose", "TSCO", Some("TSCO.L"));
        one("Berkshire (NYSE: BRK.B)", "BRK.B", Some("BRK.B"));
    }

    #[test]
    fn brackets_need_a_name_before_them() {
        one("Meta Platforms (META) shares", "META", Some("META"));
        one("Alphabet (GOOG) shares", "GOOG", Some("GOOGL"));
        assert!(tickers("artificial intelligence (AI) spending").is_empty());
        assert!(tickers("the year (2026) ahead").is_empty());
        assert!(tickers("Amazon (AWS) and Microsoft (Azure)").is_empty());
    }

    #[test]
    fn wire_codes() {
        one("Alphabet ( GOOG.O ) rose", "GOOG.O", Some("GOOGL"));
        one("Apple (AAPL.O) rose", "AAPL.O", Some("AAPL"));
        one("Vodafone (VOD.L) fell", "VOD.L", Some("VOD"));
        one("Barclays <BARC.L> fell", "BARC.L", Some("BCS"));
        one("Acme (ACME.N) fell", "ACME.N", Some("ACME"));
        one("Tencent (700.HK) rose", "700.HK", Some("0700.HK"));
        assert!(tickers("in the U.S. (U.S.) market").is_empty());
    }

    #[test]
    fn cashtags_and_bare_symbols() {
        one("traders piled into $TSLA on Monday", "$TSLA", Some("TSLA"));
        one("and $BTC too", "$BTC", None);
        assert!(tickers("it cost US$40 million").is_empty());
        one("TSLA shares fell", "TSLA", Some("TSLA"));
        assert!(tickers("AMD shares fell").is_empty(), "AMD is a name");
        assert!(tickers("CEO shares fell").is_empty());
    }
}
