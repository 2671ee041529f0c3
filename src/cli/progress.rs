//! What `ocrdesk ocr` says about a batch on standard error: a progress bar while
//! it runs (only when standard error is a terminal) and a one-line summary at the
//! end. `--quiet` silences both; errors are printed either way.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Progress {
    bar: Option<ProgressBar>,
    quiet: bool,
    started: Instant,
    /// Pages read so far, in every file (for the bar).
    pages_seen: AtomicUsize,
    read: AtomicUsize,
    failed: AtomicUsize,
    skipped: usize,
    /// Pages of the files read.
    pages: AtomicUsize,
}

impl Progress {
    /// For a batch of `files`, `skipped` files in folders left out already.
    pub fn new(files: usize, skipped: usize, quiet: bool) -> Self {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(Some(files as u64), ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template("{bar:30} {pos}/{len} files, {msg} [{elapsed}, {eta} left]")
                .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar.set_message("0 pages");
            bar
        });
        Self {
            bar,
            quiet,
            started: Instant::now(),
            pages_seen: AtomicUsize::new(0),
            read: AtomicUsize::new(0),
            failed: AtomicUsize::new(0),
            skipped,
            pages: AtomicUsize::new(0),
        }
    }

    /// A page was read (called from the reading threads).
    pub fn page_done(&self) {
        let pages = self.pages_seen.fetch_add(1, Ordering::Relaxed) + 1;
        if let Some(bar) = &self.bar {
            bar.set_message(format!("{pages} pages"));
        }
    }

    /// A file was read (`Some(pages)`) or failed (`None`).
    pub fn file_done(&self, pages: Option<usize>) {
        match pages {
            Some(pages) => {
                self.read.fetch_add(1, Ordering::Relaxed);
                self.pages.fetch_add(pages, Ordering::Relaxed);
            }
            None => {
                self.failed.fetch_add(1, Ordering::Relaxed);
            }
        }
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }

    /// Prints `line` on standard error without tearing the bar.
    pub fn error(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| eprintln!("{line}")),
            None => eprintln!("{line}"),
        }
    }

    /// Clears the bar and prints the summary line.
    pub fn finish(self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        if !self.quiet {
            eprintln!("{}", self.summary(self.started.elapsed().as_secs_f64()));
        }
    }

    fn summary(&self, seconds: f64) -> String {
        let pages = self.pages.load(Ordering::Relaxed);
        let rate = if seconds > 0.0 { pages as f64 / seconds } else { 0.0 };
        format!(
            "ocrdesk: {} read, {} failed, {} skipped; {pages} pages in {seconds:.1} s ({rate:.1} pages/s)",
            self.read.load(Ordering::Relaxed),
            self.failed.load(Ordering::Relaxed),
            self.skipped
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_counts_files_and_pages() {
        let progress = Progress::new(3, 2, true);
        progress.file_done(Some(4));
        progress.file_done(None);
        progress.file_done(Some(1));
        assert_eq!(
            progress.summary(2.0),
            "ocrdesk: 2 read, 1 failed, 2 skipped; 5 pages in 2.0 s (2.5 pages/s)"
        );
    }
}
