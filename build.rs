//! Records the commit the program is built from, for `ocrdesk --version`.
//! `OCRDESK_COMMIT` overrides it (a build from a source tarball has no git).

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=OCRDESK_COMMIT");
    // A new commit moves HEAD or the branch it points to.
    for path in [".git/HEAD", ".git/refs/heads", ".git/packed-refs"] {
        if std::path::Path::new(path).exists() {
            println!("cargo:rerun-if-changed={path}");
        }
    }
    let commit = std::env::var("OCRDESK_COMMIT").ok().or_else(git_commit);
    println!(
        "cargo:rustc-env=OCRDESK_COMMIT={}",
        commit.as_deref().unwrap_or("unknown")
    );
}

fn git_commit() -> Option<String> {
    let out = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()?;
    let commit = String::from_utf8(out.stdout).ok()?.trim().to_owned();
    (out.status.success() && !commit.is_empty()).then_some(commit)
}
