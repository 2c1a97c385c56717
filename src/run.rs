//! The batch runner: input paths -> loaded articles -> pipeline (in parallel) -> JSON Lines.
//!
//! Articles are taken from the loader in chunks; a chunk is processed by rayon's workers and
//! written in input order before the next is read, so memory follows the chunk, never the
//! input. A failure in one article (bad input, or even a panic in a stage) becomes that
//! article's error record and the run goes on. With an output path, records go to a
//! temporary file beside it that is renamed over the path only when the run is complete.

use crate::document::Document;
use crate::error::{Error, Result};
use crate::load::{self, Failed, Loaded};
use crate::output;
use crate::pipeline::Pipeline;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Settings of one `analyze` run.
#[derive(Debug, Clone)]
pub struct Options {
    pub inputs: Vec<String>,
    /// Where to write the records; standard output when `None`.
    pub output: Option<PathBuf>,
    /// Keep each article's text in its record.
    pub with_text: bool,
    /// Show a progress bar on standard error.
    pub progress: bool,
    /// Articles taken from the loader at a time (per worker thread).
    pub chunk_per_thread: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            inputs: Vec::new(),
            output: None,
            with_text: true,
            progress: false,
            chunk_per_thread: 32,
        }
    }
}

/// What a run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub articles: usize,
    pub failed: usize,
}

/// Runs the pipeline over every input. Missing inputs are reported before any work starts.
pub fn analyze(options: &Options, pipeline: &Pipeline) -> Result<Summary> {
    load::check_inputs(&options.inputs)?;
    match &options.output {
        None => {
            let stdout = io::stdout();
            let mut w = BufWriter::with_capacity(1 << 16, stdout.lock());
            let summary = analyze_to(options, pipeline, &mut w)?;
            w.flush()?;
            Ok(summary)
        }
        Some(path) => {
            let mut out = AtomicFile::create(path)?;
            let summary = analyze_to(options, pipeline, out.writer())?;
            out.commit()?;
            Ok(summary)
        }
    }
}

/// Runs the pipeline over every input, writing records to `w`.
pub fn analyze_to(options: &Options, pipeline: &Pipeline, w: &mut impl Write) -> Result<Summary> {
    let bar = progress_bar(options);
    let chunk_size = options.chunk_per_thread.max(1) * rayon::current_num_threads();
    let mut articles = load::articles(&options.inputs);
    let mut chunk: Vec<Loaded> = Vec::with_capacity(chunk_size);
    let mut lines: Vec<Vec<u8>> = Vec::with_capacity(chunk_size);
    let mut summary = Summary::default();
    loop {
        chunk.clear();
        chunk.extend(articles.by_ref().take(chunk_size));
        if chunk.is_empty() {
            break;
        }
        let mut bytes = 0u64;
        process(&mut chunk, pipeline, options.with_text, &mut lines);
        for (loaded, line) in chunk.iter().zip(&lines) {
            summary.articles += 1;
            match loaded {
                Ok(doc) => bytes += doc.text.len() as u64,
                Err(_) => summary.failed += 1,
            }
            w.write_all(line)?;
        }
        bar.inc(bytes);
        let per_sec = summary.articles as f64 / bar.elapsed().as_secs_f64().max(1e-3);
        bar.set_message(format!(
            "{} articles, {per_sec:.0} articles/s",
            summary.articles
        ));
    }
    bar.finish_and_clear();
    Ok(summary)
}

/// Loaded articles in, one serialized record per article out (in `lines`, same order). An
/// article that fails a stage, or whose record cannot be written, becomes an error record.
fn process(
    chunk: &mut Vec<Loaded>,
    pipeline: &Pipeline,
    with_text: bool,
    lines: &mut Vec<Vec<u8>>,
) {
    // Run the pipeline over the documents of the chunk together, then put them back.
    let mut docs: Vec<Document> = Vec::with_capacity(chunk.len());
    let mut placeholders = Vec::with_capacity(chunk.len());
    for (i, loaded) in chunk.iter_mut().enumerate() {
        if let Ok(doc) = loaded {
            placeholders.push(i);
            docs.push(std::mem::replace(doc, Document::from_text("", "")));
        }
    }
    let results = pipeline.run_batch(&mut docs);
    for ((i, doc), result) in placeholders.into_iter().zip(docs).zip(results) {
        chunk[i] = match result {
            Ok(()) => Ok(doc),
            Err(e) => Err(failed(&doc, e)),
        };
    }
    chunk
        .par_iter_mut()
        .map(|loaded| {
            let mut line = Vec::new();
            if let Ok(doc) = loaded {
                match output::write_record(doc, with_text, &mut line) {
                    Ok(()) => return line,
                    Err(e) => {
                        line.clear();
                        *loaded = Err(failed(doc, e));
                    }
                }
            }
            if let Err(f) = loaded {
                // Writing to a Vec cannot fail.
                let _ = output::write_error(f, &mut line);
            }
            line
        })
        .collect_into_vec(lines);
}

fn failed(doc: &Document, error: Error) -> Failed {
    Failed {
        id: doc.id.clone(),
        source: doc.origin.to_string(),
        error,
    }
}

/// A progress bar over the input's bytes (articles, articles/s, ETA); hidden unless asked for.
fn progress_bar(options: &Options) -> ProgressBar {
    if !options.progress {
        return ProgressBar::hidden();
    }
    let total = input_bytes(&options.inputs);
    let bar = ProgressBar::with_draw_target(total, ProgressDrawTarget::stderr());
    let template = if total.is_some() {
        "{spinner} [{elapsed_precise}] {wide_bar} {percent}% {msg} ({binary_bytes_per_sec}, ETA {eta})"
    } else {
        "{spinner} [{elapsed_precise}] {msg} ({binary_bytes_per_sec})"
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar
}

/// Total size of the input files, when every input is a file or directory.
fn input_bytes(inputs: &[String]) -> Option<u64> {
    fn size(path: &Path) -> u64 {
        match std::fs::metadata(path) {
            Ok(m) if m.is_file() => m.len(),
            Ok(m) if m.is_dir() => std::fs::read_dir(path)
                .map(|rd| rd.filter_map(|e| e.ok()).map(|e| size(&e.path())).sum())
                .unwrap_or(0),
            _ => 0,
        }
    }
    if inputs.iter().any(|i| i == "-") {
        return None;
    }
    Some(inputs.iter().map(|i| size(Path::new(i))).sum())
}

/// A file written under a temporary name and renamed over its final path when complete, so
/// an interrupted run never leaves a truncated file that looks whole.
pub struct AtomicFile {
    path: PathBuf,
    tmp: PathBuf,
    writer: Option<BufWriter<File>>,
}

impl AtomicFile {
    pub fn create(path: &Path) -> Result<Self> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "out".into());
        // `-o out/run.jsonl` on a fresh checkout: create the missing folders, as a user expects.
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            if parent.exists() && !parent.is_dir() {
                return Err(Error::Invalid(format!(
                    "{}: not a folder, cannot hold the output",
                    parent.display()
                )));
            }
            std::fs::create_dir_all(parent).map_err(|source| Error::Io {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
        let file = File::create(&tmp).map_err(|source| Error::Io {
            path: tmp.clone(),
            source,
        })?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            tmp,
            writer: Some(BufWriter::with_capacity(1 << 16, file)),
        })
    }

    pub fn writer(&mut self) -> &mut BufWriter<File> {
        self.writer
            .as_mut()
            .expect("writer is present until commit")
    }

    /// Flushes, syncs and renames the file into place.
    pub fn commit(mut self) -> Result<()> {
        let io_err = |path: &Path| {
            let path = path.to_path_buf();
            move |source| Error::Io { path, source }
        };
        let writer = self.writer.take().expect("commit runs once");
        let file = writer.into_inner().map_err(|e| Error::Io {
            path: self.tmp.clone(),
            source: e.into_error(),
        })?;
        file.sync_all().map_err(io_err(&self.tmp))?;
        std::fs::rename(&self.tmp, &self.path).map_err(io_err(&self.path))?;
        Ok(())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        // Not committed: the run failed, so remove the partial file.
        if self.writer.is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}
