//! What the program says about itself: `--version` (the program, its commit and
//! each bundled component with where it was found), and the man pages and shell
//! completions the .deb installs, generated from the clap definitions.

use std::path::Path;

use anyhow::Context;
use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;

/// `ocrdesk --version`: one line for the program, one per bundled component.
pub fn long_version() -> String {
    let mut text = format!("{} (commit {})", env!("CARGO_PKG_VERSION"), env!("OCRDESK_COMMIT"));
    for component in ocrdesk::assets::components() {
        let place = match &component.found {
            Ok(path) => path.display().to_string(),
            Err(e) => format!("NOT FOUND ({e})"),
        };
        text.push_str(&format!("\n{} {}: {place}", component.name, component.version));
    }
    text
}

/// The command line's definition, with the long version filled in when it is asked
/// for: looking up every component is no work for each start of the window.
pub fn command() -> clap::Command {
    let command = Cli::command();
    if !std::env::args_os().skip(1).any(|a| a == "--version") {
        return command;
    }
    // clap keeps a version as `&'static str`; this string is made once per run.
    let version: &'static str = Box::leak(long_version().into_boxed_str());
    command.long_version(version)
}

/// Writes `man/ocrdesk.1` and one page per subcommand (`ocrdesk-ocr.1`, ...)
/// and `completions/` for bash, zsh and fish into `out`.
pub fn write_package_files(out: &Path) -> anyhow::Result<()> {
    let command = Cli::command();
    let man = out.join("man");
    std::fs::create_dir_all(&man).with_context(|| format!("cannot create {}", man.display()))?;
    clap_mangen::generate_to(command.clone(), &man)
        .with_context(|| format!("cannot write man pages into {}", man.display()))?;
    let completions = out.join("completions");
    std::fs::create_dir_all(&completions).with_context(|| format!("cannot create {}", completions.display()))?;
    for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
        let mut command = command.clone();
        clap_complete::generate_to(shell, &mut command, "ocrdesk", &completions)
            .with_context(|| format!("cannot write {shell} completions into {}", completions.display()))?;
    }
    Ok(())
}
