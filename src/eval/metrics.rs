//! Metric arithmetic: gold and predicted items -> counts -> precision, recall, F1, accuracy.
//!
//! Every function here takes gold and predicted items directly, so each metric can be checked
//! on hand-built cases without running the pipeline:
//!
//! ```text
//! gold [(0, 5), (6, 9)]   pred [(0, 5), (6, 8)]   -> tp 1, fp 1, fn 1 -> P = R = F1 = 0.5
//! ```
//!
//! Conventions where a ratio has nothing to divide by: precision is 0 when nothing was
//! predicted (`tp + fp == 0`), recall is 0 when there is nothing to find (`tp + fn == 0`), F1 is
//! `2tp / (2tp + fp + fn)` and so 0 when both are; accuracy over no items is 0. A macro average
//! runs over the labels that occur in the gold or the predictions (as scikit-learn's
//! `f1_score(average="macro")` does without an explicit label list), and is 0 when none does.

use std::ops::AddAssign;

/// True positives, false positives and false negatives of one comparison.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

impl Counts {
    pub fn new(tp: usize, fp: usize, fn_: usize) -> Self {
        Counts { tp, fp, fn_ }
    }
    /// `tp / (tp + fp)`, or 0 when nothing was predicted.
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    /// `tp / (tp + fn)`, or 0 when there was nothing to find.
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    /// The harmonic mean of precision and recall, `2tp / (2tp + fp + fn)`; 0 when `tp == 0`.
    pub fn f1(&self) -> f64 {
        ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn_)
    }
    /// How many gold items there were.
    pub fn gold(&self) -> usize {
        self.tp + self.fn_
    }
    /// How many items were predicted.
    pub fn predicted(&self) -> usize {
        self.tp + self.fp
    }
}

impl AddAssign for Counts {
    fn add_assign(&mut self, other: Counts) {
        self.tp += other.tp;
        self.fp += other.fp;
        self.fn_ += other.fn_;
    }
}

/// `num / den`, or 0 when `den == 0`.
pub fn ratio(num: usize, den: usize) -> f64 {
    if den == 0 {
        0.0
    } else {
        num as f64 / den as f64
    }
}

/// Exact matching of two multisets: an item is a true positive as often as it occurs in both,
/// every other gold item a false negative, every other predicted item a false positive.
/// Sorts both vectors in place.
pub fn match_exact<T: Ord>(gold: &mut [T], pred: &mut [T]) -> Counts {
    gold.sort_unstable();
    pred.sort_unstable();
    let mut counts = Counts::default();
    let (mut i, mut j) = (0, 0);
    while i < gold.len() && j < pred.len() {
        match gold[i].cmp(&pred[j]) {
            std::cmp::Ordering::Equal => {
                counts.tp += 1;
                i += 1;
                j += 1;
            }
            std::cmp::Ordering::Less => {
                counts.fn_ += 1;
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                counts.fp += 1;
                j += 1;
            }
        }
    }
    counts.fn_ += gold.len() - i;
    counts.fp += pred.len() - j;
    counts
}

/// [`match_exact`] over `(type, item)` pairs, counted per type: a pair matches only when both
/// its type and its item do. `types` lists the types to report, in order; `counts[k]` belongs
/// to `types[k]`, and pairs of other types are left out.
pub fn match_typed<K: Ord + Copy, T: Ord>(
    types: &[K],
    gold: &mut [(K, T)],
    pred: &mut [(K, T)],
    counts: &mut [Counts],
) {
    debug_assert_eq!(types.len(), counts.len());
    let slot = |k: K| types.iter().position(|&t| t == k);
    gold.sort_unstable();
    pred.sort_unstable();
    let (mut i, mut j) = (0, 0);
    while i < gold.len() || j < pred.len() {
        let order = match (gold.get(i), pred.get(j)) {
            (Some(g), Some(p)) => g.cmp(p),
            (Some(_), None) => std::cmp::Ordering::Less,
            _ => std::cmp::Ordering::Greater,
        };
        match order {
            std::cmp::Ordering::Equal => {
                if let Some(s) = slot(gold[i].0) {
                    counts[s].tp += 1;
                }
                i += 1;
                j += 1;
            }
            std::cmp::Ordering::Less => {
                if let Some(s) = slot(gold[i].0) {
                    counts[s].fn_ += 1;
                }
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                if let Some(s) = slot(pred[j].0) {
                    counts[s].fp += 1;
                }
                j += 1;
            }
        }
    }
}

/// For each gold span, the predicted span that overlaps it most (the earliest on a tie), or
/// `None` where no predicted span overlaps it. Spans are half-open `(start, end)`; predicted
/// spans are expected not to overlap each other (as sentences don't), in any order.
pub fn best_overlaps(gold: &[(usize, usize)], pred: &[(usize, usize)]) -> Vec<Option<usize>> {
    let mut order: Vec<usize> = (0..pred.len()).collect();
    order.sort_unstable_by_key(|&k| pred[k]);
    gold.iter()
        .map(|&(start, end)| {
            // Predicted spans that start before the gold one ends, scanned backwards until one
            // ends before the gold one starts.
            let hi = order.partition_point(|&k| pred[k].0 < end);
            let mut best: Option<(usize, usize)> = None;
            for &k in order[..hi].iter().rev() {
                let (ps, pe) = pred[k];
                if pe <= start {
                    break;
                }
                let overlap = pe.min(end).saturating_sub(ps.max(start));
                if overlap > 0
                    && best.is_none_or(|(b, o)| overlap > o || (overlap == o && pred[k] < pred[b]))
                {
                    best = Some((k, overlap));
                }
            }
            best.map(|(k, _)| k)
        })
        .collect()
}

/// How many of `n` items were right.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Accuracy {
    pub n: usize,
    pub correct: usize,
}

impl Accuracy {
    pub fn add(&mut self, correct: bool) {
        self.n += 1;
        self.correct += usize::from(correct);
    }
    /// `correct / n`, or 0 when `n == 0`.
    pub fn value(&self) -> f64 {
        ratio(self.correct, self.n)
    }
}

impl AddAssign for Accuracy {
    fn add_assign(&mut self, other: Accuracy) {
        self.n += other.n;
        self.correct += other.correct;
    }
}

/// A confusion matrix: gold labels as rows, predicted labels as columns.
///
/// The columns are the row labels followed by any extra columns (such as `none` for a gold
/// sentence that got no prediction). The first `scored` row labels are the classes that per-label
/// scores and the macro average cover; the rest (such as the claim label `none`) only count as
/// the negative class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confusion {
    pub labels: Vec<&'static str>,
    pub columns: Vec<&'static str>,
    pub scored: usize,
    /// `matrix[gold][predicted]`.
    pub matrix: Vec<Vec<usize>>,
}

impl Confusion {
    /// An empty matrix over `labels` (rows and first columns) and `extra` columns.
    pub fn new(labels: &[&'static str], extra: &[&'static str], scored: usize) -> Self {
        debug_assert!(scored <= labels.len());
        let columns: Vec<&'static str> = labels.iter().chain(extra).copied().collect();
        Confusion {
            labels: labels.to_vec(),
            matrix: vec![vec![0; columns.len()]; labels.len()],
            columns,
            scored,
        }
    }

    /// Counts one item: gold row `gold`, predicted column `pred`.
    pub fn add(&mut self, gold: usize, pred: usize) {
        self.matrix[gold][pred] += 1;
    }

    /// Adds another matrix over the same labels.
    pub fn merge(&mut self, other: &Confusion) {
        debug_assert_eq!(self.columns, other.columns);
        for (row, other_row) in self.matrix.iter_mut().zip(&other.matrix) {
            for (cell, other_cell) in row.iter_mut().zip(other_row) {
                *cell += other_cell;
            }
        }
    }

    /// How many items were counted.
    pub fn total(&self) -> usize {
        self.matrix.iter().flatten().sum()
    }

    /// The share of items on the diagonal.
    pub fn accuracy(&self) -> Accuracy {
        let correct = (0..self.labels.len()).map(|k| self.matrix[k][k]).sum();
        Accuracy {
            n: self.total(),
            correct,
        }
    }

    /// One label against the rest: `tp` on the diagonal, `fp` elsewhere in its column, `fn`
    /// elsewhere in its row.
    pub fn counts(&self, label: usize) -> Counts {
        let tp = self.matrix[label][label];
        let column: usize = self.matrix.iter().map(|row| row[label]).sum();
        let row: usize = self.matrix[label].iter().sum();
        Counts::new(tp, column - tp, row - tp)
    }

    /// The mean F1 of the scored labels that occur in the gold or the predictions; 0 when none
    /// does.
    pub fn macro_f1(&self) -> f64 {
        let (sum, n) = (0..self.scored)
            .map(|k| self.counts(k))
            .filter(|c| c.gold() + c.predicted() > 0)
            .fold((0.0, 0), |(sum, n), c| (sum + c.f1(), n + 1));
        if n == 0 { 0.0 } else { sum / n as f64 }
    }
}

/// One token's tag in the BIO scheme (IOB2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bio<T> {
    O,
    B(T),
    I(T),
}

/// The entities of a BIO tag sequence, as `(type, start, end)` with `end` exclusive, counted
/// the way seqeval counts them by default: an entity is a maximal run of one type that starts
/// at a `B` tag, or at an `I` tag that does not continue an entity of its type.
pub fn chunks<T: Copy + Eq>(tags: &[Bio<T>], out: &mut Vec<(T, usize, usize)>) {
    let mut open: Option<(T, usize)> = None;
    for (i, &tag) in tags.iter().enumerate() {
        let continues = matches!((tag, open), (Bio::I(t), Some((o, _))) if t == o);
        if continues {
            continue;
        }
        if let Some((t, start)) = open.take() {
            out.push((t, start, i));
        }
        if let Bio::B(t) | Bio::I(t) = tag {
            open = Some((t, i));
        }
    }
    if let Some((t, start)) = open {
        out.push((t, start, tags.len()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn known_counts_give_known_scores() {
        let c = Counts::new(2, 1, 1);
        assert!(close(c.precision(), 2.0 / 3.0));
        assert!(close(c.recall(), 2.0 / 3.0));
        assert!(close(c.f1(), 2.0 / 3.0));
        let c = Counts::new(3, 1, 5);
        assert!(close(c.precision(), 0.75));
        assert!(close(c.recall(), 3.0 / 8.0));
        assert!(close(c.f1(), 2.0 * 0.75 * 0.375 / (0.75 + 0.375)));
    }

    #[test]
    fn zero_division_gives_zero() {
        let none = Counts::default();
        assert_eq!(
            (none.precision(), none.recall(), none.f1()),
            (0.0, 0.0, 0.0)
        );
        let only_fp = Counts::new(0, 4, 0);
        assert_eq!(
            (only_fp.precision(), only_fp.recall(), only_fp.f1()),
            (0.0, 0.0, 0.0)
        );
        let only_fn = Counts::new(0, 0, 4);
        assert_eq!(
            (only_fn.precision(), only_fn.recall(), only_fn.f1()),
            (0.0, 0.0, 0.0)
        );
        assert_eq!(Accuracy::default().value(), 0.0);
    }

    #[test]
    fn perfect_predictions_score_one() {
        let mut gold = vec![(0, 5), (6, 9), (10, 20)];
        let mut pred = gold.clone();
        let c = match_exact(&mut gold, &mut pred);
        assert_eq!(c, Counts::new(3, 0, 0));
        assert_eq!((c.precision(), c.recall(), c.f1()), (1.0, 1.0, 1.0));
    }

    #[test]
    fn exact_matching_counts_multisets() {
        let mut gold = vec![(6, 9), (0, 5), (0, 5)];
        let mut pred = vec![(0, 5), (6, 8), (12, 14)];
        assert_eq!(match_exact(&mut gold, &mut pred), Counts::new(1, 2, 2));
        let mut empty: Vec<(usize, usize)> = vec![];
        let mut pred = vec![(1, 2)];
        assert_eq!(match_exact(&mut empty, &mut pred), Counts::new(0, 1, 0));
    }

    #[test]
    fn typed_matching_needs_type_and_span() {
        let types = ["ORG", "PERSON"];
        let mut gold = vec![("ORG", (0, 4)), ("PERSON", (10, 15)), ("ORG", (20, 25))];
        // Right span, wrong type: a false positive for PERSON and a false negative for ORG.
        let mut pred = vec![("ORG", (0, 4)), ("PERSON", (20, 25)), ("LOC", (30, 32))];
        let mut counts = [Counts::default(); 2];
        match_typed(&types, &mut gold, &mut pred, &mut counts);
        assert_eq!(counts[0], Counts::new(1, 0, 1));
        assert_eq!(counts[1], Counts::new(0, 1, 1));
    }

    #[test]
    fn best_overlap_picks_the_largest() {
        let gold = [(0, 10), (10, 20), (30, 40), (50, 60)];
        // Predicted out of order; the second gold span overlaps (8, 12) by 2 and (12, 25) by 8.
        let pred = [(12, 25), (0, 8), (8, 12), (38, 45)];
        assert_eq!(
            best_overlaps(&gold, &pred),
            vec![Some(1), Some(0), Some(3), None]
        );
        // A tie goes to the earlier span.
        assert_eq!(best_overlaps(&[(0, 10)], &[(5, 12), (0, 5)]), vec![Some(1)]);
        assert_eq!(best_overlaps(&[(0, 10)], &[]), vec![None]);
    }

    #[test]
    fn confusion_counts_and_macro_f1() {
        // Claims: three scored classes and `none`.
        let labels = ["catalyst", "risk", "watch_item", "none"];
        let mut m = Confusion::new(&labels, &[], 3);
        let pairs = [
            (0, 0),
            (0, 0),
            (0, 3),
            (1, 1),
            (1, 0),
            (2, 3),
            (3, 3),
            (3, 1),
        ];
        for (g, p) in pairs {
            m.add(g, p);
        }
        assert_eq!(m.matrix[0], vec![2, 0, 0, 1]);
        assert_eq!(m.matrix[3], vec![0, 1, 0, 1]);
        assert_eq!(m.total(), 8);
        assert_eq!(m.accuracy(), Accuracy { n: 8, correct: 4 });
        // catalyst: tp 2, fp 1 (the risk sentence), fn 1 -> F1 2/3.
        assert_eq!(m.counts(0), Counts::new(2, 1, 1));
        // risk: tp 1, fp 1 (a none sentence), fn 1 -> F1 1/2.
        assert_eq!(m.counts(1), Counts::new(1, 1, 1));
        // watch_item: tp 0, fp 0, fn 1 -> F1 0.
        assert_eq!(m.counts(2), Counts::new(0, 0, 1));
        assert!(close(m.macro_f1(), (2.0 / 3.0 + 0.5 + 0.0) / 3.0));

        let mut twice = m.clone();
        twice.merge(&m);
        assert_eq!(twice.total(), 16);
        assert_eq!(twice.counts(0), Counts::new(4, 2, 2));
    }

    #[test]
    fn macro_f1_skips_absent_labels_and_counts_extra_columns_as_misses() {
        let mut m = Confusion::new(&["positive", "negative", "neutral"], &["none"], 3);
        m.add(0, 0);
        m.add(2, 2);
        assert_eq!(m.macro_f1(), 1.0);
        // A gold sentence with no prediction is a miss for its label and for accuracy.
        m.add(0, 3);
        assert_eq!(m.counts(0), Counts::new(1, 0, 1));
        assert_eq!(m.accuracy(), Accuracy { n: 3, correct: 2 });
        assert!(close(m.macro_f1(), (2.0 / 3.0 + 1.0) / 2.0));
        assert_eq!(Confusion::new(&["a"], &[], 1).macro_f1(), 0.0);
    }

    #[test]
    fn bio_chunks_follow_seqeval() {
        use Bio::*;
        let mut out = Vec::new();
        let tags = [B("PER"), I("PER"), O, B("ORG"), B("ORG"), I("ORG"), O];
        chunks(&tags, &mut out);
        assert_eq!(out, vec![("PER", 0, 2), ("ORG", 3, 4), ("ORG", 4, 6)]);

        // An I- tag without a B- starts an entity; a change of type ends one.
        out.clear();
        let tags = [I("ORG"), I("ORG"), I("PER"), O, I("LOC")];
        chunks(&tags, &mut out);
        assert_eq!(out, vec![("ORG", 0, 2), ("PER", 2, 3), ("LOC", 4, 5)]);

        out.clear();
        chunks::<&str>(&[O, O], &mut out);
        assert!(out.is_empty());
    }
}
