//! The command line: arguments -> a command of the library, and the exit status.

use clap::{Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::path::PathBuf;

/// Financial news articles in, structured evidence-linked JSON out.
#[derive(Debug, Parser)]
#[command(name = "finnews", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the pipeline; write one JSON record per article (JSON Lines), in input order.
    Analyze {
        /// Files, directories (read recursively) or `-` for JSON Lines on standard input.
        /// Standard input when none is given.
        inputs: Vec<String>,
        /// Write to this file (atomically: a temporary name, renamed when complete).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Worker threads (default: one per core).
        #[arg(short = 'j', long)]
        threads: Option<usize>,
        /// No progress bar.
        #[arg(short, long)]
        quiet: bool,
        /// Show the progress bar even when standard error is not a terminal.
        #[arg(long, conflicts_with = "quiet")]
        progress: bool,
        /// Leave the article text out of each record.
        #[arg(long)]
        no_text: bool,
    },
    /// Run the pipeline on labeled articles and print its metrics (see labels.md).
    Eval {
        /// Gold file: JSON Lines in the gold format, or a public set's file with --format.
        gold: PathBuf,
        /// Print one JSON object instead of a table.
        #[arg(long)]
        json: bool,
        /// The gold file's format.
        #[arg(long, value_enum, default_value_t = EvalFormat::Gold)]
        format: EvalFormat,
        /// Worker threads (default: one per core).
        #[arg(short = 'j', long)]
        threads: Option<usize>,
    },
    /// Print the JSON Schema of the output record.
    Schema,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EvalFormat {
    /// Labeled articles in the gold format of labels.md.
    Gold,
    /// Financial PhraseBank TSV: text, label, agree.
    Phrasebank,
    /// FiNER-ORD token CSV.
    FinerOrd,
    /// JSON Lines of {"text", "sentences": [...]}.
    Sentences,
}

/// Whether progress should be drawn: asked for, or standard error is a terminal and not quiet.
pub fn show_progress(quiet: bool, forced: bool) -> bool {
    forced || (!quiet && std::io::stderr().is_terminal())
}
