//! What the .deb relies on, checked without building it (`packaging/build-deb.sh`
//! builds it and `packaging/check-deb.sh` installs it into a fresh Debian): the
//! installed layout is found with no environment variables, the menu entry
//! validates, the man pages and completions come from the command line's
//! definition, `--version` names the components the asset script pins, and the
//! Kubernetes manifest for `ocrdesk serve` is valid.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{arg, ocrdesk, temp_dir};

const CHECKOUT: &str = env!("CARGO_MANIFEST_DIR");

/// `ocrdesk` with none of the variables that point it at its assets.
fn bare(exe: &Path) -> Command {
    let mut command = Command::new(exe);
    for var in ["OCRDESK_MODELS_DIR", "OCRDESK_RUNTIME_DIR", "ORT_DYLIB_PATH"] {
        command.env_remove(var);
    }
    command
}

/// PREFIX/bin/ocrdesk and PREFIX/lib/ocrdesk/{models,runtime}, as the .deb lays them out.
fn installed_copy(prefix: &Path) -> PathBuf {
    let bin = prefix.join("bin");
    std::fs::create_dir_all(&bin).expect("bin");
    let exe = bin.join("ocrdesk");
    std::fs::copy(env!("CARGO_BIN_EXE_ocrdesk"), &exe).expect("program copied");
    for folder in ["models", "runtime"] {
        let target = prefix.join("lib/ocrdesk").join(folder);
        std::fs::create_dir_all(&target).expect("asset folder");
        for entry in std::fs::read_dir(Path::new(CHECKOUT).join(folder)).expect("assets fetched") {
            let entry = entry.expect("asset");
            std::os::unix::fs::symlink(entry.path(), target.join(entry.file_name())).expect("asset linked");
        }
    }
    exe
}

#[test]
fn an_installed_program_finds_its_assets_in_its_prefix_with_no_variables() {
    let dir = temp_dir();
    let prefix = dir.path().join("usr");
    let exe = installed_copy(&prefix);
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).expect("folder");

    let out = bare(&exe)
        .arg("--version")
        .current_dir(&elsewhere)
        .output()
        .expect("runs");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let lib = prefix.join("lib/ocrdesk");
    let found: Vec<&str> = text.lines().skip(1).collect();
    assert_eq!(found.len(), ocrdesk::assets::components().len(), "{text}");
    for line in found {
        let (_, path) = line.split_once(": ").expect("name: path");
        assert!(
            Path::new(path).starts_with(&lib),
            "{line} is not under {}",
            lib.display()
        );
    }

    let sample = Path::new(CHECKOUT).join("assets/sample.png");
    let out = bare(&exe)
        .args(["ocr", "--format", "txt", arg(&sample)])
        .env("ORT_DISABLE_TELEMETRY", "1")
        .current_dir(&elsewhere)
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("INVOICE"));
}

#[test]
fn the_menu_entry_validates_and_opens_every_document_kind() {
    let entry = Path::new(CHECKOUT).join("packaging/deb/ocrdesk.desktop");
    let out = Command::new("desktop-file-validate")
        .arg(&entry)
        .output()
        .expect("desktop-file-validate (Debian's desktop-file-utils, installed by the test command)");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && !report.contains("error"), "{report}");
    let text = std::fs::read_to_string(&entry).expect("entry");
    assert!(text.lines().any(|l| l == "Exec=ocrdesk %F"));
    let mime = text
        .lines()
        .find_map(|l| l.strip_prefix("MimeType="))
        .expect("MimeType");
    for kind in [
        "image/png",
        "image/jpeg",
        "image/tiff",
        "image/bmp",
        "image/gif",
        "image/webp",
        "application/pdf",
    ] {
        assert!(mime.split(';').any(|m| m == kind), "{kind} missing from {mime}");
    }
    let categories = text
        .lines()
        .find_map(|l| l.strip_prefix("Categories="))
        .expect("Categories");
    assert!(categories.contains("Office;") && categories.contains("Graphics;"));
}

#[test]
fn man_pages_and_completions_come_from_the_command_line() {
    let dir = temp_dir();
    let out = ocrdesk(&["package-files", arg(dir.path())]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let man = |name: &str| std::fs::read_to_string(dir.path().join("man").join(name)).expect(name);
    assert!(man("ocrdesk.1").contains("\n.TH ocrdesk 1 "), "a roff page");
    assert!(man("ocrdesk.1").contains("ocrdesk\\-ocr(1)"));
    // The ocr page documents its options, as --help does.
    let ocr = man("ocrdesk-ocr.1");
    for option in ["\\-\\-format", "\\-\\-out", "\\-\\-pages", "\\-\\-password"] {
        assert!(ocr.contains(option), "{option} missing from ocrdesk-ocr.1");
    }
    for file in ["ocrdesk.bash", "_ocrdesk", "ocrdesk.fish"] {
        let script = std::fs::read_to_string(dir.path().join("completions").join(file)).expect(file);
        assert!(script.contains("format") && script.contains("eval"), "{file}");
    }
}

#[test]
fn the_version_names_the_components_the_asset_script_pins() {
    let out = ocrdesk(&["--version"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let pins = std::fs::read_to_string(Path::new(CHECKOUT).join("packaging/fetch_assets.py")).expect("script");
    for (pin, shown) in [
        ("onnxruntime==1.31.1", "ONNX Runtime 1.31.1: "),
        ("pypdfium2==5.15.2", "(pypdfium2 5.15.2): "),
        ("rapidocr==3.10.0", "(rapidocr 3.10.0): "),
    ] {
        assert!(pins.contains(pin), "{pin} is no longer pinned: update assets.rs");
        assert!(text.contains(shown), "{shown} missing from {text}");
    }
    let head = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(CHECKOUT)
        .output();
    // A checkout without git (a source tarball) has no commit to compare.
    if let Some(head) = head.ok().filter(|h| h.status.success()) {
        let commit = String::from_utf8_lossy(&head.stdout).trim().to_owned();
        assert!(
            text.lines().next().is_some_and(|l| l.contains(&commit)),
            "{text} lacks commit {commit}"
        );
    }
}

#[test]
fn the_kubernetes_manifest_is_valid_and_runs_the_server_as_the_readme_says() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest = root.join("packaging/k8s/ocrdesk-serve.yaml");
    let validator = root.join(".cache/sdk-venv/bin/kubernetes-validate");
    assert!(
        validator.exists(),
        "{} is missing: `bash packaging/test.sh` installs it (pip install -r tests/sdk/requirements.txt)",
        validator.display()
    );
    // Against Kubernetes' own schemas (bundled with the validator: no cluster, no network).
    let check = Command::new(&validator)
        .arg("--strict")
        .arg(&manifest)
        .output()
        .expect("kubernetes-validate runs");
    let report = String::from_utf8_lossy(&check.stdout).into_owned() + &String::from_utf8_lossy(&check.stderr);
    assert!(check.status.success(), "{report}");
    assert!(
        report.contains("passed for resource deployment/ocrdesk-serve"),
        "{report}"
    );
    assert!(report.contains("passed for resource service/ocrdesk-serve"), "{report}");
    let text = std::fs::read_to_string(&manifest).expect("manifest");
    assert!(text.contains("path: /health"), "readiness on /health");
    // The arguments it runs the server with are ones the server takes.
    let args_line = text
        .lines()
        .find(|l| l.trim_start().starts_with("args:"))
        .expect("args");
    let args: Vec<String> = args_line
        .split(['[', ']', ','])
        .map(|a| a.trim().trim_matches('"').to_owned())
        .filter(|a| !a.is_empty() && !a.starts_with("args:"))
        .collect();
    let usage = Command::new(env!("CARGO_BIN_EXE_ocrdesk"))
        .args(&args)
        .arg("--help")
        .output()
        .expect("ocrdesk runs");
    assert!(
        usage.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&usage.stderr)
    );
}
