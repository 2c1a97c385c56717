//! The gazetteer: listed companies, their units and products, other organizations, places,
//! people and given names, parsed once from the files in `models/gazetteer/`.
//!
//! `companies.tsv` line -> a [`Company`] plus the surface forms that name it:
//!
//! ```text
//! META  NASDAQ  Meta Platforms, Inc.  ?Meta  Facebook, Inc.|Facebook  FB
//! ```
//!
//! gives the company `META` ("Meta Platforms, Inc.") and the names "Meta Platforms" (the legal
//! name less its suffix), "Meta" (a common word: see [`Ambiguity`]), "Facebook, Inc." and
//! "Facebook" (former names), and the symbols `META` and `FB`. The file formats are described
//! in `models/gazetteer/README.md`.

use crate::document::EntityType;
use crate::error::{Error, Result};
use std::collections::HashMap;
use std::sync::OnceLock;

/// Index of a company in [`Gazetteer::companies`].
pub type CompanyId = u32;

/// A listed company.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Company {
    /// The id every mention links to: the US ticker where the company trades on a US exchange,
    /// otherwise its home-exchange code (`005930.KS`).
    pub ticker: String,
    pub exchange: String,
    /// Canonical legal name ("Meta Platforms, Inc.").
    pub name: String,
}

/// How much context a name needs before it counts as a mention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Ambiguity {
    /// A proper name: always a mention where it stands capitalized, as listed.
    Clear,
    /// Also a common word or a place ("Apple", "Meta", "Amazon", marker `?`): a mention
    /// unless it opens a sentence with nothing else pointing at the company.
    Word,
    /// A risky word ("Target", "Gap", "Shell", marker `!`): a mention only with support (a
    /// legal suffix, a ticker, another mention of the company, a corporate word nearby).
    Risky,
}

/// What a surface form names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Referent {
    /// An entity of this type, linked to a listed company or not.
    Entity {
        kind: EntityType,
        company: Option<CompanyId>,
    },
    /// A phrase that is never a mention and hides any name inside it ("S&P 500").
    Blocker,
}

/// One surface form to look for in text (case-sensitive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Surface {
    pub text: String,
    pub referent: Referent,
    pub ambiguity: Ambiguity,
}

/// The raw text of every gazetteer file.
#[derive(Debug, Clone, Copy)]
pub struct Sources<'a> {
    pub companies: &'a str,
    pub units: &'a str,
    pub organizations: &'a str,
    pub places: &'a str,
    pub people: &'a str,
    pub first_names: &'a str,
    pub ignore: &'a str,
}

impl Sources<'static> {
    /// The files shipped in `models/gazetteer/`, embedded in the binary.
    pub const EMBEDDED: Sources<'static> = Sources {
        companies: include_str!("../../models/gazetteer/companies.tsv"),
        units: include_str!("../../models/gazetteer/units.tsv"),
        organizations: include_str!("../../models/gazetteer/organizations.tsv"),
        places: include_str!("../../models/gazetteer/places.txt"),
        people: include_str!("../../models/gazetteer/people.txt"),
        first_names: include_str!("../../models/gazetteer/first_names.txt"),
        ignore: include_str!("../../models/gazetteer/ignore.txt"),
    };
}

/// Legal-form words stripped from a legal name to get the name news uses, longest first.
const LEGAL_SUFFIXES: &[&str] = &[
    ", Incorporated",
    " Incorporated",
    ", Inc.",
    " Inc.",
    " Inc",
    " Corporation",
    " Corp.",
    " Company",
    ", Ltd.",
    " Ltd.",
    " Ltd",
    " Limited",
    " Co.,",
    " Co.",
    " Co",
    " & Co.",
    " plc",
    " PLC",
    " Plc",
    " p.l.c.",
    " Public Limited Company",
    " N.V.",
    " S.A.",
    " SA",
    " SE",
    " AG",
    " ASA",
    " A/S",
    " AB",
    " Oyj",
    " S.p.A.",
    " SA/NV",
    " S.A.B. de C.V.",
    " LP",
    " L.P.",
    " Holdings",
    " Holding",
    " Group",
    " Groep",
];

/// Everything the entity stage looks up, built once.
#[derive(Debug, Clone)]
pub struct Gazetteer {
    pub companies: Vec<Company>,
    /// Every surface form, each text once.
    pub surfaces: Vec<Surface>,
    /// Symbol (normalized with [`normalize_symbol`]) -> company: primary tickers, other share
    /// classes, former tickers and home-exchange codes.
    symbols: HashMap<String, CompanyId>,
    by_ticker: HashMap<String, CompanyId>,
    first_names: std::collections::HashSet<String>,
    /// Whether every given name is one capital and small ASCII letters ("Jane").
    first_names_plain: bool,
}

static EMBEDDED: OnceLock<std::result::Result<Gazetteer, String>> = OnceLock::new();

impl Gazetteer {
    /// The embedded gazetteer, parsed on first use and shared by every stage and thread.
    pub fn embedded() -> Result<&'static Gazetteer> {
        EMBEDDED
            .get_or_init(|| Gazetteer::parse(Sources::EMBEDDED).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|message| Error::Model {
                what: "gazetteer".to_string(),
                message: message.clone(),
            })
    }

    /// Parses and checks every file; a malformed line or a name listed twice is an error
    /// naming the file and line.
    pub fn parse(src: Sources<'_>) -> Result<Gazetteer> {
        let mut b = Builder::default();
        b.companies(src.companies)?;
        b.units(src.units)?;
        b.organizations(src.organizations)?;
        b.simple(src.places, "places.txt", EntityType::Loc)?;
        b.simple(src.people, "people.txt", EntityType::Person)?;
        b.ignore(src.ignore)?;
        let first_names = src
            .first_names
            .lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .flat_map(str::split_whitespace)
            .map(str::to_string)
            .collect();
        let first_names_plain = first_names_plain(&first_names);
        let by_ticker = b
            .companies
            .iter()
            .enumerate()
            .map(|(i, c)| (c.ticker.clone(), i as CompanyId))
            .collect();
        Ok(Gazetteer {
            companies: b.companies,
            surfaces: b.surfaces,
            symbols: b.symbols,
            by_ticker,
            first_names,
            first_names_plain,
        })
    }

    pub fn company(&self, id: CompanyId) -> &Company {
        &self.companies[id as usize]
    }

    /// The company whose id (primary ticker or home code) is `id`.
    pub fn by_id(&self, id: &str) -> Option<&Company> {
        self.by_ticker.get(id).map(|&c| self.company(c))
    }

    /// The canonical name of the company with this id: `"META"` -> `"Meta Platforms, Inc."`.
    pub fn canonical_name(&self, id: &str) -> Option<&str> {
        self.by_id(id).map(|c| c.name.as_str())
    }

    /// The company a written symbol stands for: `META`, `GOOG` (-> Alphabet), `BRK-B`,
    /// `VOD.L`, `0700.HK`.
    pub fn symbol(&self, symbol: &str) -> Option<CompanyId> {
        self.symbols.get(&normalize_symbol(symbol)).copied()
    }

    /// Whether `word` is a listed given name ("Jane").
    pub fn is_first_name(&self, word: &str) -> bool {
        self.first_names.contains(word)
    }

    /// Whether every listed given name is one capital and small ASCII letters ("Jane"), as
    /// the shipped list is; the PERSON rules then look for given names cheaply.
    pub fn first_names_are_plain(&self) -> bool {
        self.first_names_plain
    }
}

fn first_names_plain(names: &std::collections::HashSet<String>) -> bool {
    names.iter().all(|n| {
        let b = n.as_bytes();
        b.len() >= 2 && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_lowercase)
    })
}

/// One spelling for every symbol: `BRK-B`, `BRK/B` and `BRK.B` are the same share class.
pub fn normalize_symbol(symbol: &str) -> String {
    symbol.replace(['-', '/'], ".").to_ascii_uppercase()
}

#[derive(Default)]
struct Builder {
    companies: Vec<Company>,
    surfaces: Vec<Surface>,
    /// Surface text -> index in `surfaces`, for the duplicate check.
    seen: HashMap<String, (usize, &'static str, usize)>,
    symbols: HashMap<String, CompanyId>,
}

fn bad(file: &str, line: usize, message: impl std::fmt::Display) -> Error {
    Error::Model {
        what: format!("gazetteer {file}, line {line}"),
        message: message.to_string(),
    }
}

/// The lines that carry data: (1-based line number, line), skipping blanks and `#` comments.
fn data_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
}

/// `?Meta` -> (Word, "Meta"); `!Target` -> (Risky, "Target"); `-Southern` -> None (suppressed).
fn marked(name: &str) -> Option<(Ambiguity, &str)> {
    let name = name.trim();
    match name.as_bytes().first() {
        Some(b'?') => Some((Ambiguity::Word, name[1..].trim())),
        Some(b'!') => Some((Ambiguity::Risky, name[1..].trim())),
        Some(b'-') => None,
        _ => Some((Ambiguity::Clear, name)),
    }
}

fn names(field: &str) -> impl Iterator<Item = &str> {
    field.split('|').map(str::trim).filter(|s| !s.is_empty())
}

/// "Meta Platforms, Inc." -> "Meta Platforms"; "The Walt Disney Company" -> "Walt Disney".
pub(crate) fn base_name(legal: &str) -> &str {
    let mut name = legal.trim();
    name = name.strip_prefix("The ").unwrap_or(name);
    loop {
        let before = name.len();
        for suffix in LEGAL_SUFFIXES {
            if let Some(rest) = name.strip_suffix(suffix) {
                let rest = rest.trim_end_matches([',', ' ']);
                if !rest.is_empty() {
                    name = rest;
                    break;
                }
            }
        }
        if name.len() == before {
            return name;
        }
    }
}

impl Builder {
    fn add(
        &mut self,
        file: &'static str,
        line: usize,
        text: &str,
        referent: Referent,
        ambiguity: Ambiguity,
    ) -> Result<()> {
        if text.is_empty() || text.len() > super::LONGEST_NAME {
            return Err(bad(
                file,
                line,
                format!("a name must have 1 to {} bytes", super::LONGEST_NAME),
            ));
        }
        if let Some(&(_, f, l)) = self.seen.get(text) {
            return Err(bad(
                file,
                line,
                format!("{text:?} is already listed ({f}, line {l})"),
            ));
        }
        self.seen
            .insert(text.to_string(), (self.surfaces.len(), file, line));
        self.surfaces.push(Surface {
            text: text.to_string(),
            referent,
            ambiguity,
        });
        Ok(())
    }

    fn symbol(&mut self, file: &str, line: usize, symbol: &str, company: CompanyId) -> Result<()> {
        let key = normalize_symbol(symbol);
        if let Some(&other) = self.symbols.get(&key)
            && other != company
        {
            let other = &self.companies[other as usize].ticker;
            return Err(bad(
                file,
                line,
                format!("symbol {symbol} already belongs to {other}"),
            ));
        }
        self.symbols.insert(key, company);
        Ok(())
    }

    fn companies(&mut self, text: &str) -> Result<()> {
        const FILE: &str = "companies.tsv";
        for (line, row) in data_lines(text) {
            let fields: Vec<&str> = row.split('\t').collect();
            if fields.len() != 6 {
                return Err(bad(
                    FILE,
                    line,
                    format!("expected 6 tab-separated fields, found {}", fields.len()),
                ));
            }
            let [ticker, exchange, name, aliases, former, codes] =
                [0, 1, 2, 3, 4, 5].map(|i| fields[i].trim());
            if ticker.is_empty() || name.is_empty() {
                return Err(bad(FILE, line, "ticker and name are required"));
            }
            let id = self.companies.len() as CompanyId;
            self.companies.push(Company {
                ticker: ticker.to_string(),
                exchange: exchange.to_string(),
                name: name.to_string(),
            });
            self.symbol(FILE, line, ticker, id)?;
            for code in names(codes) {
                self.symbol(FILE, line, code, id)?;
            }
            let referent = Referent::Entity {
                kind: EntityType::Org,
                company: Some(id),
            };
            // Listed aliases first, so that their markers win over the derived base name.
            let mut listed: Vec<(Ambiguity, &str)> = Vec::new();
            let mut suppressed: Vec<&str> = Vec::new();
            for alias in names(aliases).chain(names(former)) {
                match marked(alias) {
                    Some(m) => listed.push(m),
                    None => suppressed.push(alias[1..].trim()),
                }
            }
            // The legal name itself, unless it opens with "The" (a span leaves that out).
            let base = base_name(name);
            let derived = [Some(base), (!name.starts_with("The ")).then_some(name)];
            for text in derived.into_iter().flatten() {
                if !listed.iter().any(|(_, t)| *t == text)
                    && !suppressed.contains(&text)
                    && !self.seen.contains_key(text)
                {
                    listed.push((Ambiguity::Clear, text));
                }
            }
            for (ambiguity, text) in listed {
                self.add(FILE, line, text, referent, ambiguity)?;
            }
        }
        Ok(())
    }

    fn units(&mut self, text: &str) -> Result<()> {
        const FILE: &str = "units.tsv";
        for (line, row) in data_lines(text) {
            let fields: Vec<&str> = row.split('\t').collect();
            if fields.len() != 3 {
                return Err(bad(
                    FILE,
                    line,
                    format!("expected 3 tab-separated fields, found {}", fields.len()),
                ));
            }
            let company = match fields[0].trim() {
                "-" => None,
                parent => Some(
                    self.symbols
                        .get(&normalize_symbol(parent))
                        .copied()
                        .ok_or_else(|| bad(FILE, line, format!("unknown parent {parent}")))?,
                ),
            };
            let kind = entity_type(fields[1].trim())
                .ok_or_else(|| bad(FILE, line, "type must be ORG or PRODUCT"))?;
            for name in names(fields[2]) {
                let (ambiguity, text) =
                    marked(name).ok_or_else(|| bad(FILE, line, "`-` is for companies.tsv"))?;
                self.add(
                    FILE,
                    line,
                    text,
                    Referent::Entity { kind, company },
                    ambiguity,
                )?;
            }
        }
        Ok(())
    }

    fn organizations(&mut self, text: &str) -> Result<()> {
        const FILE: &str = "organizations.tsv";
        for (line, row) in data_lines(text) {
            let (kind, list) = row
                .split_once('\t')
                .ok_or_else(|| bad(FILE, line, "expected 2 tab-separated fields"))?;
            let kind = entity_type(kind.trim()).ok_or_else(|| bad(FILE, line, "unknown type"))?;
            for name in names(list) {
                let (ambiguity, text) =
                    marked(name).ok_or_else(|| bad(FILE, line, "`-` is for companies.tsv"))?;
                self.add(
                    FILE,
                    line,
                    text,
                    Referent::Entity {
                        kind,
                        company: None,
                    },
                    ambiguity,
                )?;
            }
        }
        Ok(())
    }

    fn simple(&mut self, text: &str, file: &'static str, kind: EntityType) -> Result<()> {
        for (line, row) in data_lines(text) {
            for name in names(row) {
                let (ambiguity, text) =
                    marked(name).ok_or_else(|| bad(file, line, "`-` is for companies.tsv"))?;
                self.add(
                    file,
                    line,
                    text,
                    Referent::Entity {
                        kind,
                        company: None,
                    },
                    ambiguity,
                )?;
            }
        }
        Ok(())
    }

    fn ignore(&mut self, text: &str) -> Result<()> {
        for (line, row) in data_lines(text) {
            self.add(
                "ignore.txt",
                line,
                row.trim(),
                Referent::Blocker,
                Ambiguity::Clear,
            )?;
        }
        Ok(())
    }
}

fn entity_type(s: &str) -> Option<EntityType> {
    EntityType::ALL.into_iter().find(|t| t.as_str() == s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_names_drop_legal_forms() {
        assert_eq!(base_name("Meta Platforms, Inc."), "Meta Platforms");
        assert_eq!(base_name("The Walt Disney Company"), "Walt Disney");
        assert_eq!(base_name("Alibaba Group Holding Limited"), "Alibaba");
        assert_eq!(base_name("Honda Motor Co., Ltd."), "Honda Motor");
        assert_eq!(base_name("Morgan Stanley"), "Morgan Stanley");
        assert_eq!(base_name("NVIDIA Corporation"), "NVIDIA");
    }

    #[test]
    fn embedded_gazetteer_parses_and_is_large() {
        let g = Gazetteer::embedded().unwrap();
        assert!(g.companies.len() >= 2000, "{} companies", g.companies.len());
        assert_eq!(g.canonical_name("META"), Some("Meta Platforms, Inc."));
        assert_eq!(g.company(g.symbol("GOOG").unwrap()).ticker, "GOOGL");
        assert_eq!(g.company(g.symbol("brk-b").unwrap()).ticker, "BRK.B");
        assert_eq!(g.company(g.symbol("VOD.L").unwrap()).ticker, "VOD");
        // An over-the-counter ADR links to the home listing, the company's id.
        assert_eq!(g.company(g.symbol("ALIZY").unwrap()).ticker, "ALV.DE");
        assert_eq!(g.company(g.symbol("EADSY").unwrap()).ticker, "AIR.PA");
        assert!(g.is_first_name("Jane"));
        assert!(g.first_names_are_plain());
    }

    #[test]
    fn markers_and_duplicates() {
        let src = Sources {
            companies: "TGT\tNYSE\tTarget Corporation\t!Target\t\t\nXX\tNYSE\tSouthern Co.\t-Southern\t\t\n",
            units: "TGT\tPRODUCT\tCircle 360\n",
            organizations: "ORG\tOpenAI\n",
            places: "Paris\n",
            people: "Jane Roe|Roe\n",
            first_names: "Jane",
            ignore: "Target date\n",
        };
        let g = Gazetteer::parse(src).unwrap();
        let find = |t: &str| g.surfaces.iter().find(|s| s.text == t);
        assert_eq!(find("Target").unwrap().ambiguity, Ambiguity::Risky);
        assert!(find("Target Corporation").is_some());
        assert!(find("Southern").is_none());
        assert_eq!(find("Target date").unwrap().referent, Referent::Blocker);

        let dup = Sources {
            organizations: "ORG\tOpenAI|Paris\n",
            ..src
        };
        let err = Gazetteer::parse(dup).unwrap_err().to_string();
        assert!(err.contains("places.txt") && err.contains("Paris"), "{err}");
        let unknown = Sources {
            units: "ZZZ\tORG\tWidgets\n",
            ..src
        };
        assert!(
            Gazetteer::parse(unknown)
                .unwrap_err()
                .to_string()
                .contains("unknown parent")
        );
    }
}
