//! The `finnews` binary: parse arguments, run, map the outcome to an exit status.

mod cli;

use anyhow::Context;
use clap::Parser;
use cli::{Cli, Command};
use finnews::{Error, Pipeline, eval, run};
use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // candle runs element-wise work on a thread pool of its own, sized by CANDLE_NUM_THREADS
    // (default: one per core), that serves one caller at a time. The encoder already runs one
    // batch per worker thread (`Encoder::for_each_batch`), so that pool would only make the
    // workers wait on each other: keep it to the calling thread. Set before any thread starts.
    if std::env::var_os("CANDLE_NUM_THREADS").is_none() {
        // SAFETY: no other thread exists yet.
        unsafe { std::env::set_var("CANDLE_NUM_THREADS", "1") };
    }
    match execute(cli.command) {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("finnews: {}", describe(&err));
            let usage = matches!(
                err.downcast_ref::<Error>(),
                Some(Error::MissingInput { .. })
            );
            ExitCode::from(if usage { 2 } else { 1 })
        }
    }
}

/// The error and its causes on one line, skipping a cause whose text the message already
/// carries (the library's errors name their source in their own message).
fn describe(err: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

fn execute(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Analyze {
            mut inputs,
            output,
            quiet,
            progress,
            no_text,
            pipeline,
        } => {
            if inputs.is_empty() {
                if io::stdin().is_terminal() {
                    eprintln!(
                        "finnews: no input given (name files or directories, or pipe JSON Lines to standard input)"
                    );
                    return Ok(ExitCode::from(2));
                }
                inputs.push("-".to_string());
            }
            let pipeline = start_pipeline(&pipeline)?;
            let options = run::Options {
                inputs,
                output,
                with_text: !no_text,
                progress: cli::show_progress(quiet, progress),
                ..run::Options::default()
            };
            let summary = run::analyze(&options, &pipeline)?;
            if summary.failed > 0 {
                eprintln!(
                    "finnews: {} of {} articles could not be processed (see their `error` records)",
                    summary.failed, summary.articles
                );
                return Ok(ExitCode::from(1));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Eval {
            gold,
            json,
            format,
            held_out,
            pipeline,
        } => {
            if held_out && format != cli::EvalFormat::Phrasebank {
                eprintln!("finnews: --held-out needs --format phrasebank");
                return Ok(ExitCode::from(2));
            }
            let pipeline = start_pipeline(&pipeline)?;
            let report = if held_out {
                eval::evaluate_held_out(&gold, eval::HeldOut::default(), &pipeline)?
            } else {
                let format = match format {
                    cli::EvalFormat::Gold => eval::Format::Gold,
                    cli::EvalFormat::Phrasebank => eval::Format::Phrasebank,
                    cli::EvalFormat::FinerOrd => eval::Format::FinerOrd,
                    cli::EvalFormat::Sentences => eval::Format::Sentences,
                };
                eval::evaluate(&gold, format, &pipeline)?
            };
            let mut out = io::stdout().lock();
            if json {
                serde_json::to_writer(&mut out, &report.to_json())?;
                writeln!(out)?;
            } else {
                report.write_table(&mut out)?;
            }
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Train {
            model: cli::TrainCommand::Sentiment(args),
        } => {
            let report =
                finnews::train::train(&args.config()).context("training the sentiment model")?;
            let best = report.best;
            println!(
                "epoch {}: held-out accuracy {:.4} ({} sentences), agree 100: {:.4} ({}); {:.1} min",
                report.best_epoch,
                best.all,
                best.all_n,
                best.agree100,
                best.agree100_n,
                report.wall_seconds / 60.0
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Train {
            model: cli::TrainCommand::Ner(args),
        } => {
            let report =
                finnews::train::ner::train(&args.config()).context("training the NER head")?;
            println!(
                "epoch {}: held-out FiNER-ORD F1 {:.4} (rules alone {:.4}); val {:.4}; {:.1} min",
                report.best_epoch,
                report.held.finer_merged.f1,
                report.held.finer_rules.f1,
                report.val.finer_merged.f1,
                report.wall_seconds / 60.0
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Train {
            model: cli::TrainCommand::Claims(args),
        } => {
            let report =
                finnews::train::claims::train(&args.config()).context("training the claim head")?;
            let cv = &report.cv_calibrated;
            println!(
                "cross-validated macro-F1 {:.4}, accuracy {:.4} ({} sentences), temperature {:.3}; {:.1} min",
                cv.macro_f1,
                cv.accuracy,
                cv.sentences,
                report.temperature,
                report.wall_seconds / 60.0
            );
            if let Some(m) = &report.measured {
                println!(
                    "{}: macro-F1 {:.4}, accuracy {:.4}",
                    m.path.display(),
                    m.head.macro_f1,
                    m.head.accuracy
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Schema => {
            let mut out = io::stdout().lock();
            out.write_all(finnews::output::SCHEMA.as_bytes())?;
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Starts the worker threads `--threads` asks for and builds the pipeline `--fast` picks.
fn start_pipeline(args: &cli::PipelineArgs) -> anyhow::Result<Pipeline> {
    set_threads(args.threads)?;
    let pipeline = if args.fast {
        Pipeline::fast()
    } else {
        Pipeline::default_pipeline()
    };
    pipeline.context("building the pipeline")
}

fn set_threads(threads: Option<usize>) -> anyhow::Result<()> {
    if let Some(n) = threads {
        anyhow::ensure!(n > 0, "--threads must be at least 1");
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .context("starting worker threads")?;
    }
    Ok(())
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<io::Error>().is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
            || matches!(e.downcast_ref::<Error>(), Some(Error::StdIo(io)) if io.kind() == io::ErrorKind::BrokenPipe)
    })
}
