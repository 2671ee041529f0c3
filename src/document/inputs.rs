//! Which files a list of inputs stands for: files as given, folders searched for
//! the images and documents this crate opens. Shared by the window (dropped
//! folders) and the command line (`ocrdesk ocr FOLDER`).

use std::path::{Path, PathBuf};

/// The extensions of the images and documents the engine opens, for dialogs and folders.
pub const OPENABLE_EXTENSIONS: [&str; 19] = [
    "png", "jpg", "jpeg", "bmp", "gif", "tif", "tiff", "webp", "ico", "tga", "pnm", "pbm", "pgm", "ppm", "pcx", "psd",
    "pdf", "jfif", "jpe",
];

/// How deep folders are searched: deeper than any filing scheme, and a guard against link loops.
const MAX_FOLDER_DEPTH: usize = 16;

/// The files a list of inputs stands for.
#[derive(Debug, Default, PartialEq)]
pub struct Inputs {
    /// Files as given, and the documents found in folders, in name order.
    pub files: Vec<PathBuf>,
    /// Files in those folders that are not documents (by extension).
    pub skipped: usize,
}

/// Files as given (even when not documents: reading them will say why), folders
/// searched recursively (hidden entries skipped) for `extensions`, in name order.
pub fn expand(paths: &[PathBuf], extensions: &[&str]) -> Inputs {
    let mut inputs = Inputs::default();
    for path in paths {
        if path.is_dir() {
            collect_folder(path, extensions, 0, &mut inputs);
        } else {
            inputs.files.push(path.clone());
        }
    }
    inputs
}

fn collect_folder(dir: &Path, extensions: &[&str], depth: usize, inputs: &mut Inputs) {
    if depth > MAX_FOLDER_DEPTH {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
        .collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            collect_folder(&path, extensions, depth + 1, inputs);
        } else if path
            .extension()
            .is_some_and(|e| extensions.contains(&e.to_string_lossy().to_lowercase().as_str()))
        {
            inputs.files.push(path);
        } else {
            inputs.skipped += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_expand_to_the_documents_inside_and_count_the_rest() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("sub")).expect("folder");
        for name in ["b.PNG", "a.pdf", "notes.txt", ".hidden.png", "sub/c.tif", "sub/d.docx"] {
            std::fs::write(dir.path().join(name), b"x").expect("file");
        }
        let given = dir.path().join("notes.txt");
        let found = expand(&[dir.path().to_owned(), given.clone()], &["png", "pdf", "tif"]);
        let names: Vec<_> = found
            .files
            .iter()
            .map(|p| {
                p.strip_prefix(dir.path())
                    .expect("inside")
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        assert_eq!(names, ["a.pdf", "b.PNG", "sub/c.tif", "notes.txt"]);
        assert_eq!(found.skipped, 2, "notes.txt and sub/d.docx in the folder");
    }
}
