//! The `finnews` binary: parse arguments, run, map the outcome to an exit status.

mod cli;

use anyhow::Context;
use clap::Parser;
use cli::{Cli, Command};
use finnews::{Error, Pipeline, run};
use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match execute(cli.command) {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("finnews: {err:#}");
            let usage = matches!(err.downcast_ref::<Error>(), Some(Error::MissingInput { .. }));
            ExitCode::from(if usage { 2 } else { 1 })
        }
    }
}

fn execute(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Analyze { mut inputs, output, threads, quiet, progress, no_text } => {
            set_threads(threads)?;
            if inputs.is_empty() {
                if io::stdin().is_terminal() {
                    eprintln!("finnews: no input given (name files or directories, or pipe JSON Lines to standard input)");
                    return Ok(ExitCode::from(2));
                }
                inputs.push("-".to_string());
            }
            let pipeline = Pipeline::default_pipeline().context("building the pipeline")?;
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
        Command::Eval { gold, json, format, threads } => {
            set_threads(threads)?;
            let pipeline = Pipeline::default_pipeline().context("building the pipeline")?;
            let _ = (gold, json, format, pipeline);
            anyhow::bail!("eval is not available yet")
        }
        Command::Schema => {
            let mut out = io::stdout().lock();
            out.write_all(finnews::output::SCHEMA.as_bytes())?;
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn set_threads(threads: Option<usize>) -> anyhow::Result<()> {
    if let Some(n) = threads {
        anyhow::ensure!(n > 0, "--threads must be at least 1");
        rayon::ThreadPoolBuilder::new().num_threads(n).build_global().context("starting worker threads")?;
    }
    Ok(())
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<io::Error>().is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
            || matches!(e.downcast_ref::<Error>(), Some(Error::StdIo(io)) if io.kind() == io::ErrorKind::BrokenPipe)
    })
}
