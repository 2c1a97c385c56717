//! A directory -> the paths of the article files under it, in path order, read lazily.
//!
//! ```text
//! corpus/b.txt  corpus/a/z.md  corpus/.hidden.txt  corpus/notes.pdf
//!     -> corpus/a/z.md, corpus/b.txt
//! ```
//!
//! Each directory is listed only when the walk reaches it; files are never opened here.
//! Hidden entries (names starting with `.`) and files of other types are skipped. Symbolic
//! links to files are followed; links to directories are not, so a link cycle cannot trap
//! the walk.

use super::Kind;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The article files under a directory, depth first, each directory's entries sorted by name
/// (which is the order of the paths). An unreadable directory is reported and skipped.
pub struct Walk {
    /// The entries still to visit in every directory being walked, last entry first.
    stack: Vec<Vec<Entry>>,
    /// A directory that could not be listed, reported on the next call.
    pending_error: Option<(PathBuf, io::Error)>,
}

struct Entry {
    path: PathBuf,
    is_dir: bool,
}

impl Walk {
    pub fn new(root: &Path) -> Self {
        let mut walk = Walk {
            stack: Vec::new(),
            pending_error: None,
        };
        walk.enter(root);
        walk
    }

    fn enter(&mut self, dir: &Path) {
        match list(dir) {
            Ok(entries) => self.stack.push(entries),
            Err(error) => self.pending_error = Some((dir.to_path_buf(), error)),
        }
    }
}

/// A directory's visible entries that may hold articles, last name first.
fn list(dir: &Path) -> io::Result<Vec<Entry>> {
    let mut entries = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        if name.as_encoded_bytes().starts_with(b".") {
            continue;
        }
        let path = entry.path();
        let file_type = entry.file_type()?;
        let is_dir = file_type.is_dir();
        let is_file = file_type.is_file() || (file_type.is_symlink() && path.is_file());
        if is_dir || (is_file && Kind::of(&path).is_some()) {
            entries.push(Entry { path, is_dir });
        }
    }
    // Sorting by name sorts by path: the same directory is the prefix of every entry.
    entries.sort_unstable_by(|a, b| b.path.file_name().cmp(&a.path.file_name()));
    Ok(entries)
}

impl Iterator for Walk {
    type Item = Result<PathBuf, (PathBuf, io::Error)>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(error) = self.pending_error.take() {
                return Some(Err(error));
            }
            let entries = self.stack.last_mut()?;
            let Some(entry) = entries.pop() else {
                self.stack.pop();
                continue;
            };
            if entry.is_dir {
                self.enter(&entry.path);
            } else {
                return Some(Ok(entry.path));
            }
        }
    }
}
