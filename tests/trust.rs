//! The README's promises as tests that fail on a regression: nothing leaves the
//! machine (strace sees no internet socket and no file written outside the chosen
//! output folder, for the command line and for the window; the server connects
//! nowhere and writes nothing), a bug while reading
//! one file costs that file only, and outputs survive the process being killed.

mod common;

use std::path::{Component, Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::pdf::{Spec, write_pdf};
use common::{page, save, temp_dir};

const BIN: &str = env!("CARGO_BIN_EXE_ocrdesk");

/// What a clerk's batch holds: a three-page scanned PDF (long enough for any
/// background thread of a library to act), a PNG and a JPEG.
fn batch(dir: &Path) -> Vec<PathBuf> {
    let pdf = write_pdf(
        dir,
        "scans.pdf",
        &[
            Spec::Scan(&["Scanned page 1", "Order 5521"]),
            Spec::Scan(&["Page two of the scan", "Pallets 12"]),
            Spec::Scan(&["Last page", "Signed at the gate"]),
        ],
        false,
    );
    let png = save(&page(&["Delivery note 4471"], 30.0, 40.0), dir, "note.png");
    let jpg = save(&page(&["Receipt 0042", "Total 12.50"], 30.0, 40.0), dir, "receipt.jpg");
    vec![pdf, png, jpg]
}

/// A private home for the program under test, and the folders it could write to.
struct Sandbox {
    root: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Self {
        let root = temp_dir();
        for dir in ["home", "cache", "config", "data", "tmp", "work", "out"] {
            std::fs::create_dir(root.path().join(dir)).expect("sandbox folder");
        }
        Self { root }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.root.path().join(name)
    }

    /// `program` with nothing inherited but `PATH`: no CI variable and no
    /// `ORT_DISABLE_TELEMETRY` (ONNX Runtime switches its telemetry off by itself
    /// when it sees one, which would hide a regression), and its own empty home.
    fn command(&self, program: &str) -> Command {
        let mut command = Command::new(program);
        command
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.path("home"))
            .env("XDG_CACHE_HOME", self.path("cache"))
            .env("XDG_CONFIG_HOME", self.path("config"))
            .env("XDG_DATA_HOME", self.path("data"))
            .env("TMPDIR", self.path("tmp"))
            .current_dir(self.path("work"));
        command
    }

    /// Files left in the private home and caches (ONNX Runtime's telemetry keeps a
    /// device id and an event cache there).
    fn leftovers(&self) -> Vec<PathBuf> {
        let mut found = Vec::new();
        for dir in ["home", "cache", "tmp"] {
            list_files(&self.path(dir), &mut found);
        }
        found
    }
}

fn list_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            list_files(&path, found);
        } else {
            found.push(path);
        }
    }
}

/// `strace` with the sandbox's environment, and a D-Bus address on TCP as a trap:
/// the command line has no business on the bus, so a library reaching for it
/// would show as an internet socket.
fn traced_command_line(sandbox: &Sandbox) -> Command {
    let ok = Command::new("strace")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "strace is needed: `apt-get install strace` (packaging/test.sh does)"
    );
    let mut command = sandbox.command("strace");
    command.env("DBUS_SESSION_BUS_ADDRESS", "tcp:host=127.0.0.1,port=9");
    command
}

fn args_of(paths: &[PathBuf]) -> Vec<&str> {
    paths.iter().map(|p| p.to_str().expect("utf-8 path")).collect()
}

/// strace options that follow every thread and log socket calls (and the files
/// opened, to show the models loaded) to the file named next.
const NETWORK_TRACE: [&str; 9] = [
    "-f",
    "-qq",
    "-s",
    "256",
    "-e",
    "signal=none",
    "-e",
    "trace=%network,openat",
    "-o",
];

/// strace options that follow every thread and log every call naming a file or
/// descriptor, descriptors resolved to their paths (`-y`), to the file named next.
const FILE_TRACE: [&str; 10] = [
    "-f",
    "-qq",
    "-y",
    "-s",
    "4096",
    "-e",
    "signal=none",
    "-e",
    "trace=%file,%desc",
    "-o",
];

/// The system calls in an strace log that open a socket other than a local
/// (AF_UNIX) one, or address an internet host.
fn non_local_sockets(log: &str) -> Vec<&str> {
    log.lines()
        .filter(|l| (l.contains("socket(") && !l.contains("socket(AF_UNIX")) || l.contains("sa_family=AF_INET"))
        .collect()
}

#[test]
fn the_command_line_opens_no_internet_socket() {
    let sandbox = Sandbox::new();
    let files = batch(&sandbox.path("work"));
    let log = sandbox.path("strace.log");
    let out = sandbox.path("out");
    let mut command = traced_command_line(&sandbox);
    command
        .args(NETWORK_TRACE)
        .arg(&log)
        .arg("--")
        .arg(BIN)
        .args(["ocr", "--format", "json", "--out"])
        .arg(&out)
        .args(args_of(&files));
    let run = command.output().expect("strace runs");
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let log = std::fs::read_to_string(&log).expect("strace log");
    assert!(log.contains(".onnx"), "the trace saw the models load: {log}");
    let sockets = non_local_sockets(&log);
    eprintln!("command line, 3 files (5 pages): {} internet sockets", sockets.len());
    assert!(sockets.is_empty(), "internet sockets opened:\n{}", sockets.join("\n"));
    assert_eq!(std::fs::read_dir(&out).expect("out").count(), 3, "every file read");
    assert_eq!(
        sandbox.leftovers(),
        Vec::<PathBuf>::new(),
        "nothing left in home or caches"
    );
}

/// Whether a traced system call writes or changes the file system, and the
/// paths it names (absolute; relative ones resolved against `cwd` or the folder
/// strace printed for the descriptor they are relative to).
fn written_paths(line: &str, cwd: &Path) -> Option<Vec<PathBuf>> {
    const CHANGING: &[&str] = &[
        "creat",
        "mkdir",
        "mkdirat",
        "rename",
        "renameat",
        "renameat2",
        "link",
        "linkat",
        "symlink",
        "symlinkat",
        "unlink",
        "unlinkat",
        "rmdir",
        "truncate",
        "mknod",
        "mknodat",
        "chmod",
        "fchmodat",
        "utimensat",
    ];
    const WRITE_FLAGS: &[&str] = &["O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC", "O_APPEND", "O_TMPFILE"];
    // "PID name(args) = result"; the arguments of an interrupted call come first.
    let call = line.split_once(' ').map_or(line, |(_, rest)| rest).trim_start();
    let (name, args) = call.split_once('(')?;
    let opens = matches!(name, "open" | "openat" | "openat2");
    let writes = CHANGING.contains(&name) || (opens && WRITE_FLAGS.iter().any(|f| args.contains(f)));
    if !writes {
        return None;
    }
    let args = args.split(") = ").next().unwrap_or(args);
    let mut paths = Vec::new();
    let mut relative_to = cwd.to_path_buf();
    let mut rest = args;
    while let Some(start) = rest.find(['"', '<']) {
        let close = if rest.as_bytes()[start] == b'"' { '"' } else { '>' };
        let Some(len) = rest[start + 1..].find(close) else {
            break;
        };
        let text = &rest[start + 1..start + 1 + len];
        if close == '>' {
            // A descriptor strace resolved (`-y`): the folder the next path is relative to.
            relative_to = PathBuf::from(text);
        } else {
            let path = Path::new(text);
            paths.push(if path.is_absolute() {
                path.to_path_buf()
            } else {
                relative_to.join(path)
            });
            relative_to = cwd.to_path_buf();
        }
        rest = &rest[start + 1 + len + 1..];
    }
    Some(paths)
}

/// `path` with `.` and `..` taken out, without touching the disk.
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Writes any process may make that store nothing: the null device, the
/// terminal, and a thread's name.
fn harmless(path: &Path) -> bool {
    let s = path.to_string_lossy();
    s == "/dev/null" || s == "/dev/tty" || (s.starts_with("/proc/") && s.ends_with("/comm"))
}

#[test]
fn the_command_line_writes_only_into_the_output_folder() {
    let sandbox = Sandbox::new();
    let files = batch(&sandbox.path("work"));
    let log = sandbox.path("files.log");
    let out = sandbox.path("out").canonicalize().expect("out");
    let mut command = traced_command_line(&sandbox);
    command
        .args(FILE_TRACE)
        .arg(&log)
        .arg("--")
        .arg(BIN)
        .args(["ocr", "--format", "xlsx", "--out"])
        .arg(&out)
        .args(args_of(&files));
    let run = command.output().expect("strace runs");
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let log = std::fs::read_to_string(&log).expect("strace log");
    let cwd = sandbox.path("work").canonicalize().expect("work");
    let mut writes = 0;
    let mut outside = Vec::new();
    for line in log.lines() {
        let Some(paths) = written_paths(line, &cwd) else {
            continue;
        };
        for path in paths {
            let path = lexical(&path);
            writes += 1;
            if !(path.starts_with(&out) || harmless(&path)) {
                outside.push(format!("{}  ({line})", path.display()));
            }
        }
    }
    eprintln!(
        "command line: {writes} writes, {} outside the output folder",
        outside.len()
    );
    assert!(writes >= 3, "the trace saw the outputs written:\n{log}");
    assert!(
        outside.is_empty(),
        "written outside {}:\n{}",
        out.display(),
        outside.join("\n")
    );
}

#[test]
fn the_write_check_sees_writes_and_resolves_their_paths() {
    let cwd = Path::new("/w");
    let line = r#"41 openat(AT_FDCWD, "out/.a.json.41.tmp", O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0666) = 3</w/out/.a.json.41.tmp>"#;
    assert_eq!(
        written_paths(line, cwd),
        Some(vec![PathBuf::from("/w/out/.a.json.41.tmp")])
    );
    let line = r#"41 renameat2(AT_FDCWD, "/o/.a.41.tmp", 7</o>, "a.xlsx", 0) = 0"#;
    assert_eq!(
        written_paths(line, cwd),
        Some(vec![PathBuf::from("/o/.a.41.tmp"), PathBuf::from("/o/a.xlsx")])
    );
    let line = r#"41 openat(AT_FDCWD, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = 3</etc/ld.so.cache>"#;
    assert_eq!(written_paths(line, cwd), None);
    let line = r#"42 mkdir("/home/u/.cache/Microsoft", 0777) = 0"#;
    assert_eq!(
        written_paths(line, cwd),
        Some(vec![PathBuf::from("/home/u/.cache/Microsoft")])
    );
    assert!(harmless(Path::new("/proc/self/task/42/comm")));
    assert_eq!(lexical(Path::new("/w/out/../x")), PathBuf::from("/w/x"));
}

/// An X server of our own for the window, on a display number nothing else uses.
struct Xvfb {
    child: Child,
    display: String,
}

impl Xvfb {
    fn start() -> Self {
        let number = (90..190)
            .find(|n| {
                !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists() && !Path::new(&format!("/tmp/.X{n}-lock")).exists()
            })
            .expect("a free display number");
        let child = Command::new("Xvfb")
            .args([
                format!(":{number}").as_str(),
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb runs: `apt-get install xvfb` (packaging/test.sh does)");
        let socket = PathBuf::from(format!("/tmp/.X11-unix/X{number}"));
        let started = Instant::now();
        while !socket.exists() {
            assert!(started.elapsed() < Duration::from_secs(20), "Xvfb did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Self {
            child,
            display: format!(":{number}"),
        }
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn the_window_reading_a_pdf_opens_no_internet_socket() {
    let sandbox = Sandbox::new();
    let files = batch(&sandbox.path("work"));
    let xvfb = Xvfb::start();
    let log = sandbox.path("window.log");
    // `--measure-frames` reads the files in a real window, then closes it.
    let mut window = sandbox.command("strace");
    window
        .args(NETWORK_TRACE)
        .arg(&log)
        .arg("--")
        .arg(BIN)
        .args(["--measure-frames", "on-demand"])
        .args(args_of(&files))
        .env("DISPLAY", &xvfb.display)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = window.spawn().expect("strace runs the window");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > Duration::from_secs(300) {
            let _ = child.kill();
            panic!("the window did not finish reading within 5 minutes");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let output = child.wait_with_output().expect("output");
    assert!(status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let log = std::fs::read_to_string(&log).expect("strace log");
    assert!(log.contains(".onnx"), "the trace saw the models load");
    assert!(
        log.contains("socket(AF_UNIX"),
        "the trace saw the window talk to the X server"
    );
    let sockets = non_local_sockets(&log);
    eprintln!("window, 3 files (5 pages): {} internet sockets", sockets.len());
    assert!(sockets.is_empty(), "internet sockets opened:\n{}", sockets.join("\n"));
}

/// The process strace started, to signal it rather than strace.
fn traced_child(strace: u32, program: &Path) -> u32 {
    // strace forks short-lived helpers of its own before the program, so the
    // child wanted is the one whose executable is the program.
    let program = std::fs::canonicalize(program).expect("the program exists");
    let started = Instant::now();
    loop {
        let children = std::fs::read_to_string(format!("/proc/{strace}/task/{strace}/children")).unwrap_or_default();
        let running_program = children
            .split_whitespace()
            .filter_map(|p| p.parse::<u32>().ok())
            .find(|pid| std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|exe| exe == program));
        if let Some(pid) = running_program {
            return pid;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "strace started no program");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn the_server_connects_nowhere_and_writes_no_file() {
    use std::io::BufRead;
    let sandbox = Sandbox::new();
    let files = batch(&sandbox.path("work"));
    let log = sandbox.path("serve.log");
    let mut command = traced_command_line(&sandbox);
    command
        .args([
            "-f",
            "-qq",
            "-y",
            "-s",
            "256",
            "-e",
            "signal=none",
            "-e",
            "trace=%network,%file,%desc",
            "-o",
        ])
        .arg(&log)
        .arg("--")
        .arg(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--workers", "2"])
        .stderr(Stdio::piped());
    let mut strace = command.spawn().expect("strace runs the server");
    let server = traced_child(strace.id(), Path::new(BIN));
    let mut stderr = std::io::BufReader::new(strace.stderr.take().expect("stderr")).lines();
    let addr: std::net::SocketAddr = stderr
        .by_ref()
        .map_while(Result::ok)
        .find_map(|l| {
            l.split("listening on http://")
                .nth(1)
                .map(|a| a.split_whitespace().next().unwrap_or_default().to_owned())
        })
        .expect("the server says where it listens")
        .parse()
        .expect("an address");
    std::thread::spawn(move || stderr.for_each(drop));
    let started = Instant::now();
    while common::http(addr, "GET", "/health", b"").0 != 200 {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the server did not get ready"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // Every kind of document of a clerk's batch, through the operations that write
    // files elsewhere (a workbook) or look things up (phone numbers, addresses).
    let encode =
        |path: &Path| base64::Engine::encode(&base64::engine::general_purpose::STANDARD, std::fs::read(path).unwrap());
    for (operation, body) in [
        ("general-text", serde_json::json!({"image": encode(&files[1])})),
        (
            "general-table",
            serde_json::json!({"image": encode(&files[2]), "return_excel": true}),
        ),
        (
            "web-image",
            serde_json::json!({"image": encode(&files[2]), "extract_type": ["contact_info"]}),
        ),
        (
            "smart-document-recognizer",
            serde_json::json!({"data": encode(&files[0]), "pdf_page_number": 2, "layout": true, "table": true, "kv": true}),
        ),
    ] {
        let (status, _, answer) = common::http(
            addr,
            "POST",
            &format!("/v2/p/ocr/{operation}"),
            body.to_string().as_bytes(),
        );
        assert_eq!(status, 200, "{operation}: {}", String::from_utf8_lossy(&answer));
    }
    let status = Command::new("kill")
        .args(["-TERM", &server.to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    assert!(
        strace.wait().expect("strace ends").success(),
        "the server stopped cleanly on SIGTERM"
    );
    let log = std::fs::read_to_string(&log).expect("strace log");
    assert!(log.contains(".onnx"), "the trace saw the models load");
    assert!(log.contains("accept4("), "the trace saw the requests come in");
    // The server only listens: it never connects anywhere (a DNS lookup, telemetry or a
    // URL fetched would be a connect), and it sends only on the connections it accepted.
    let connects: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("connect(") && (l.contains("AF_INET") || l.contains("AF_INET6")))
        .collect();
    let cwd = sandbox.path("work").canonicalize().expect("work");
    let writes: Vec<String> = log
        .lines()
        .filter_map(|line| written_paths(line, &cwd).map(|paths| (line, paths)))
        .flat_map(|(line, paths)| paths.into_iter().map(move |p| (line, lexical(&p))))
        .filter(|(_, path)| !harmless(path))
        .map(|(line, path)| format!("{}  ({line})", path.display()))
        .collect();
    eprintln!(
        "server, 4 requests: {} connections made, {} files written",
        connects.len(),
        writes.len()
    );
    assert!(connects.is_empty(), "connections made:\n{}", connects.join("\n"));
    assert!(writes.is_empty(), "files written:\n{}", writes.join("\n"));
    assert_eq!(
        sandbox.leftovers(),
        Vec::<PathBuf>::new(),
        "nothing left in home or caches"
    );
}

#[cfg(debug_assertions)]
#[test]
fn a_panic_while_reading_one_file_fails_that_file_and_the_batch_goes_on() {
    // Test builds make the analysis of the file this variable names panic.
    let dir = temp_dir();
    let files: Vec<PathBuf> = ["first", "second", "third"]
        .iter()
        .map(|name| {
            save(
                &page(&[&format!("The {name} file")], 30.0, 30.0),
                dir.path(),
                &format!("{name}.png"),
            )
        })
        .collect();
    let out = dir.path().join("out");
    let run = Command::new(BIN)
        .args(["ocr", "--format", "txt", "--out"])
        .arg(&out)
        .args(args_of(&files))
        .env("OCRDESK_TEST_PANIC_IN_ANALYSIS", "second.png")
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error: ")).collect();
    assert_eq!(errors.len(), 1, "one line for the one failure: {stderr}");
    assert!(
        stderr.contains("ocrdesk: 2 read, 1 failed, 0 skipped; 2 pages"),
        "the summary: {stderr}"
    );
    assert!(
        errors[0].contains("second.png: internal error: deliberate panic"),
        "{stderr}"
    );
    assert!(
        errors[0].contains("(at src/pipeline/mod.rs:"),
        "where it happened: {stderr}"
    );
    for name in ["first", "third"] {
        let text = std::fs::read_to_string(out.join(format!("{name}.txt"))).expect("the others are read");
        assert_eq!(text.trim(), format!("The {name} file"));
    }
    assert!(!out.join("second.txt").exists());

    // The same on standard output: the others printed, the failure on stderr.
    let run = Command::new(BIN)
        .args(["ocr", "--format", "txt"])
        .args(args_of(&files))
        .env("OCRDESK_TEST_PANIC_IN_ANALYSIS", "second.png")
        .output()
        .expect("runs");
    assert_eq!(run.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        stdout.contains("The first file") && stdout.contains("The third file"),
        "{stdout}"
    );
}

/// Whether `path` is a whole workbook: it opens and its first sheet has rows.
fn whole_workbook(path: &Path) -> Result<(), String> {
    use calamine::Reader;
    let mut book = calamine::open_workbook_auto(path).map_err(|e| e.to_string())?;
    let first = book.sheet_names().first().cloned().ok_or("no sheet")?;
    let range = book.worksheet_range(&first).map_err(|e| e.to_string())?;
    if range.height() < 2 {
        return Err(format!("{} rows", range.height()));
    }
    Ok(())
}

#[test]
fn outputs_survive_the_batch_being_killed_at_any_moment() {
    // Kills in the suite; `KILLS=200 cargo test --release --test trust outputs_survive` for more.
    let kills: usize = std::env::var("KILLS").ok().and_then(|k| k.parse().ok()).unwrap_or(6);
    let dir = temp_dir();
    let files: Vec<PathBuf> = (0..6)
        .map(|k| {
            save(
                &page(&[&format!("Invoice {k}"), "Total 80.00"], 26.0, 20.0),
                dir.path(),
                &format!("doc{k}.png"),
            )
        })
        .collect();
    let out = dir.path().join("out");
    let batch = || {
        let mut command = Command::new(BIN);
        command
            .args(["ocr", "--format", "xlsx", "--threads", "1", "--out"])
            .arg(&out)
            .args(args_of(&files))
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        command
    };
    // A whole run first: every output exists (the "old" files), and its length sets the kill window.
    let started = Instant::now();
    assert!(batch().status().expect("runs").success());
    let window = started.elapsed();
    let mut broken = Vec::new();
    // A fixed-seed generator: each run of the suite kills at the same moments.
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    for kill in 0..kills {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let at = window.mul_f64((seed % 1000) as f64 / 1000.0);
        let mut child = batch().spawn().expect("runs");
        std::thread::sleep(at);
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        for k in 0..files.len() {
            let path = out.join(format!("doc{k}.xlsx"));
            if let Err(e) = whole_workbook(&path) {
                broken.push(format!("kill {kill} at {at:?}: {}: {e}", path.display()));
            }
        }
    }
    eprintln!("SIGKILL test: {kills} kills, {} broken outputs", broken.len());
    assert!(broken.is_empty(), "{}", broken.join("\n"));
    // The next whole run clears what the killed runs left behind.
    assert!(batch().status().expect("runs").success());
    let names: Vec<String> = std::fs::read_dir(&out)
        .expect("out")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), files.len(), "no temporary files left: {names:?}");
}
