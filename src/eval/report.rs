//! A [`Report`] of metric counts -> an aligned table for people, or one JSON object for
//! scripts.
//!
//! ```text
//! stage      metric        P      R     F1  TP  FP  FN
//! sections   headings  1.000  0.500  0.667   1   0   1
//! ```

use crate::document::EntityType;
use crate::eval::Format;
use crate::eval::gold::Tally;
use crate::eval::metrics::{Accuracy, Confusion, Counts};
use serde_json::{Map, Value, json};
use std::io::{self, Write};

/// A document the pipeline failed on; it is scored with no predictions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub id: String,
    pub error: String,
}

/// The metrics of one evaluation. Each format fills in the stages it scores and leaves the
/// others `None`.
#[derive(Debug, Clone)]
pub struct Report {
    pub format: Format,
    /// Documents evaluated (articles, PhraseBank lines, FiNER-ORD documents, split cases).
    pub articles: usize,
    pub failures: Vec<Failure>,
    /// Heading lines: exact heading text and start.
    pub sections: Option<Counts>,
    /// Sentence boundaries: exact start and end.
    pub sentences: Option<Counts>,
    /// Texts whose sentences were all split exactly (the `sentences` format).
    pub exact_splits: Option<Accuracy>,
    /// Mentions per entity type, exact span and type.
    pub entities: Option<Vec<(&'static str, Counts)>>,
    /// The set of linked ids per article.
    pub linked_ids: Option<Counts>,
    /// Sentence (or line) sentiment; column `none` is a gold item with no prediction.
    pub sentiment: Option<Confusion>,
    /// Gold sentences that overlap no predicted sentence.
    pub unmatched: Option<usize>,
    /// PhraseBank lines whose annotators all agreed.
    pub sentiment_agree_100: Option<Confusion>,
    pub claims: Option<Confusion>,
    pub entity_sentiment: Option<Accuracy>,
}

impl Report {
    /// A report with no stage filled in.
    pub fn empty(format: Format, articles: usize, failures: Vec<Failure>) -> Self {
        Report {
            format,
            articles,
            failures,
            sections: None,
            sentences: None,
            exact_splits: None,
            entities: None,
            linked_ids: None,
            sentiment: None,
            unmatched: None,
            sentiment_agree_100: None,
            claims: None,
            entity_sentiment: None,
        }
    }

    /// The report of gold articles: every stage.
    pub fn from_tally(articles: usize, failures: Vec<Failure>, tally: Tally) -> Self {
        let mut report = Report::empty(Format::Gold, articles, failures);
        report.sections = Some(tally.sections);
        report.sentences = Some(tally.sentences);
        report.entities = Some(
            EntityType::ALL
                .iter()
                .map(|t| t.as_str())
                .zip(tally.entities)
                .collect(),
        );
        report.linked_ids = Some(tally.linked_ids);
        report.sentiment = Some(tally.sentiment);
        report.unmatched = Some(tally.unmatched);
        report.claims = Some(tally.claims);
        report.entity_sentiment = Some(tally.entity_sentiment);
        report
    }

    /// Mentions over every type.
    pub fn entities_overall(&self) -> Option<Counts> {
        self.entities.as_ref().map(|by_type| {
            let mut all = Counts::default();
            for (_, c) in by_type {
                all += *c;
            }
            all
        })
    }

    /// The report as one JSON object. Keys, where the format scores the stage (see
    /// `docs/eval.md`):
    ///
    /// - `format`: `"gold"`, `"phrasebank"`, `"finer-ord"` or `"sentences"`;
    ///   `articles`: documents evaluated; `failures`: `[{"id", "error"}]`, documents the
    ///   pipeline failed on (scored with no predictions).
    /// - `sections`, `sentences`, `linked_ids`: a score object
    ///   `{"p", "r", "f1", "tp", "fp", "fn"}`.
    /// - `entities`: `{"overall": score, "by_type": {"ORG": score, ...}}`.
    /// - `sentiment` (and `sentiment_agree_100` for PhraseBank), `claims`:
    ///   `{"n", "correct", "accuracy", "macro_f1", "by_label": {label: score},
    ///   "confusion": {"labels": [gold rows], "predicted": [columns], "matrix": [[count]]}}`;
    ///   `sentiment` of gold articles adds `unmatched`.
    /// - `entity_sentiment`, `exact_splits`: `{"n", "correct", "accuracy"}`.
    pub fn to_json(&self) -> Value {
        let mut out = Map::new();
        out.insert("format".into(), json!(self.format.as_str()));
        out.insert("articles".into(), json!(self.articles));
        let failures: Vec<Value> = self
            .failures
            .iter()
            .map(|f| json!({"id": f.id, "error": f.error}))
            .collect();
        out.insert("failures".into(), Value::Array(failures));
        if let Some(c) = self.sections {
            out.insert("sections".into(), score_json(c));
        }
        if let Some(c) = self.sentences {
            out.insert("sentences".into(), score_json(c));
        }
        if let Some(a) = self.exact_splits {
            out.insert("exact_splits".into(), accuracy_json(a));
        }
        if let (Some(by_type), Some(overall)) = (&self.entities, self.entities_overall()) {
            let by_type: Map<String, Value> = by_type
                .iter()
                .map(|(t, c)| (t.to_string(), score_json(*c)))
                .collect();
            out.insert(
                "entities".into(),
                json!({"overall": score_json(overall), "by_type": by_type}),
            );
        }
        if let Some(c) = self.linked_ids {
            out.insert("linked_ids".into(), score_json(c));
        }
        if let Some(m) = &self.sentiment {
            let mut v = labels_json(m);
            if let Some(unmatched) = self.unmatched {
                v["unmatched"] = json!(unmatched);
            }
            out.insert("sentiment".into(), v);
        }
        if let Some(m) = &self.sentiment_agree_100 {
            out.insert("sentiment_agree_100".into(), labels_json(m));
        }
        if let Some(m) = &self.claims {
            out.insert("claims".into(), labels_json(m));
        }
        if let Some(a) = self.entity_sentiment {
            out.insert("entity_sentiment".into(), accuracy_json(a));
        }
        Value::Object(out)
    }

    /// The report as aligned tables: P/R/F1 with TP/FP/FN per stage and metric, then
    /// accuracies, then confusion matrices (gold rows, predicted columns), then failures.
    pub fn write_table(&self, w: &mut impl Write) -> io::Result<()> {
        writeln!(
            w,
            "{} {} ({} format)",
            self.articles,
            match (self.format, self.articles) {
                (Format::Gold, 1) => "article",
                (Format::Gold, _) => "articles",
                (_, 1) => "document",
                _ => "documents",
            },
            self.format.as_str()
        )?;

        let mut scores = Table::new(&["stage", "metric", "P", "R", "F1", "TP", "FP", "FN"]);
        if let Some(c) = self.sections {
            scores.score("sections", "headings", c);
        }
        if let Some(c) = self.sentences {
            scores.score("sentences", "boundaries", c);
        }
        if let (Some(by_type), Some(overall)) = (&self.entities, self.entities_overall()) {
            scores.score("entities", "all types", overall);
            for &(t, c) in by_type {
                if c.gold() + c.predicted() > 0 {
                    scores.score("entities", t, c);
                }
            }
        }
        if let Some(c) = self.linked_ids {
            scores.score("entities", "linked ids", c);
        }
        for (stage, m) in self.labeled() {
            for k in 0..m.scored {
                scores.score(stage, m.labels[k], m.counts(k));
            }
        }
        if !scores.rows.is_empty() {
            writeln!(w)?;
            scores.write(w)?;
        }

        let mut accuracies = Table::new(&["stage", "metric", "value", "correct", "n"]);
        for (stage, m) in self.labeled() {
            let a = m.accuracy();
            accuracies.row(vec![
                stage.into(),
                "accuracy".into(),
                fmt(a.value()),
                a.correct.to_string(),
                a.n.to_string(),
            ]);
            accuracies.row(vec![
                stage.into(),
                "macro-F1".into(),
                fmt(m.macro_f1()),
                String::new(),
                a.n.to_string(),
            ]);
        }
        if let Some(a) = self.entity_sentiment {
            accuracies.accuracy("entity sentiment", "accuracy", a);
        }
        if let Some(a) = self.exact_splits {
            accuracies.accuracy("sentences", "exact splits", a);
        }
        if !accuracies.rows.is_empty() {
            writeln!(w)?;
            accuracies.write(w)?;
        }
        if let Some(unmatched) = self.unmatched {
            writeln!(
                w,
                "gold sentences overlapping no predicted sentence: {unmatched}"
            )?;
        }

        for (stage, m) in self.labeled() {
            writeln!(w)?;
            writeln!(w, "{stage}: gold (rows) x predicted (columns)")?;
            let mut header = vec!["gold \\ predicted"];
            header.extend(&m.columns);
            let mut table = Table::new(&header);
            for (label, row) in m.labels.iter().zip(&m.matrix) {
                let mut cells = vec![label.to_string()];
                cells.extend(row.iter().map(usize::to_string));
                table.row(cells);
            }
            table.write(w)?;
        }

        if !self.failures.is_empty() {
            writeln!(w)?;
            writeln!(
                w,
                "{} documents failed in the pipeline and were scored with no predictions:",
                self.failures.len()
            )?;
            for f in &self.failures {
                writeln!(w, "  {}: {}", f.id, f.error)?;
            }
        }
        Ok(())
    }

    /// The label-level stages present, with their names for the table.
    fn labeled(&self) -> Vec<(&'static str, &Confusion)> {
        let mut out = Vec::new();
        if let Some(m) = &self.sentiment {
            out.push(("sentiment", m));
        }
        if let Some(m) = &self.sentiment_agree_100 {
            out.push(("sentiment (agree 100)", m));
        }
        if let Some(m) = &self.claims {
            out.push(("claims", m));
        }
        out
    }
}

fn score_json(c: Counts) -> Value {
    json!({"p": c.precision(), "r": c.recall(), "f1": c.f1(), "tp": c.tp, "fp": c.fp, "fn": c.fn_})
}

fn accuracy_json(a: Accuracy) -> Value {
    json!({"n": a.n, "correct": a.correct, "accuracy": a.value()})
}

fn labels_json(m: &Confusion) -> Value {
    let a = m.accuracy();
    let by_label: Map<String, Value> = (0..m.scored)
        .map(|k| (m.labels[k].to_string(), score_json(m.counts(k))))
        .collect();
    json!({
        "n": a.n,
        "correct": a.correct,
        "accuracy": a.value(),
        "macro_f1": m.macro_f1(),
        "by_label": by_label,
        "confusion": {"labels": m.labels, "predicted": m.columns, "matrix": m.matrix},
    })
}

fn fmt(x: f64) -> String {
    format!("{x:.3}")
}

/// Rows of cells printed with aligned columns: the first two (or, for a matrix, the first)
/// left-aligned, numbers right-aligned.
struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn new(header: &[&str]) -> Self {
        Table {
            header: header.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    fn score(&mut self, stage: &str, metric: &str, c: Counts) {
        self.row(vec![
            stage.into(),
            metric.into(),
            fmt(c.precision()),
            fmt(c.recall()),
            fmt(c.f1()),
            c.tp.to_string(),
            c.fp.to_string(),
            c.fn_.to_string(),
        ]);
    }

    fn accuracy(&mut self, stage: &str, metric: &str, a: Accuracy) {
        self.row(vec![
            stage.into(),
            metric.into(),
            fmt(a.value()),
            a.correct.to_string(),
            a.n.to_string(),
        ]);
    }

    fn write(&self, w: &mut impl Write) -> io::Result<()> {
        let mut widths: Vec<usize> = self.header.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        // Text columns: the leading ones whose cells are not all numbers.
        let numeric = |k: usize| {
            self.rows
                .iter()
                .all(|r| r[k].is_empty() || r[k].parse::<f64>().is_ok())
        };
        let left: Vec<bool> = (0..widths.len()).map(|k| !numeric(k)).collect();
        for row in std::iter::once(&self.header).chain(&self.rows) {
            let mut line = String::new();
            for (k, cell) in row.iter().enumerate() {
                if k > 0 {
                    line.push_str("  ");
                }
                let pad = widths[k] - cell.chars().count();
                if left[k] {
                    line.push_str(cell);
                    line.extend(std::iter::repeat_n(' ', pad));
                } else {
                    line.extend(std::iter::repeat_n(' ', pad));
                    line.push_str(cell);
                }
            }
            writeln!(w, "{}", line.trim_end())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_aligns_columns() {
        let mut t = Table::new(&["stage", "metric", "F1", "TP"]);
        t.row(vec![
            "sections".into(),
            "headings".into(),
            "0.500".into(),
            "12".into(),
        ]);
        t.row(vec![
            "entities".into(),
            "ORG".into(),
            "1.000".into(),
            "3".into(),
        ]);
        let mut out = Vec::new();
        t.write(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "stage     metric       F1  TP\n\
             sections  headings  0.500  12\n\
             entities  ORG       1.000   3\n"
        );
    }

    #[test]
    fn json_has_the_keys_of_its_format() {
        let gold = Report::from_tally(2, vec![], Tally::default()).to_json();
        for key in [
            "format",
            "articles",
            "failures",
            "sections",
            "sentences",
            "entities",
            "linked_ids",
            "sentiment",
            "claims",
            "entity_sentiment",
        ] {
            assert!(gold.get(key).is_some(), "missing {key}");
        }
        assert_eq!(gold["format"], "gold");
        assert_eq!(
            gold["claims"]["confusion"]["labels"]
                .as_array()
                .unwrap()
                .len(),
            4
        );
        assert_eq!(gold["sentiment"]["confusion"]["predicted"][3], "none");
        assert!(gold["entities"]["by_type"]["ORG"]["tp"].is_number());

        let mut pb = Report::empty(Format::Phrasebank, 0, vec![]);
        pb.sentiment = Some(Confusion::new(
            &["positive", "negative", "neutral"],
            &["none"],
            3,
        ));
        let pb = pb.to_json();
        assert_eq!(pb["format"], "phrasebank");
        assert!(pb.get("sections").is_none() && pb.get("claims").is_none());
        assert!(pb.get("sentiment").is_some());
    }

    #[test]
    fn table_lists_every_stage_of_a_gold_report() {
        let mut out = Vec::new();
        let mut tally = Tally {
            sections: Counts::new(2, 1, 1),
            ..Tally::default()
        };
        tally.claims.add(0, 0);
        Report::from_tally(1, vec![], tally)
            .write_table(&mut out)
            .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("sections   headings    0.667  0.667  0.667   2   1   1"),
            "{text}"
        );
        for needle in [
            "boundaries",
            "linked ids",
            "macro-F1",
            "entity sentiment",
            "watch_item",
        ] {
            assert!(text.contains(needle), "missing {needle} in\n{text}");
        }
    }
}
