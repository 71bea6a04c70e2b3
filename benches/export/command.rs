//! The `auditkit` command in child processes, with what each used.

use std::{
    io::Read,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use chrono::TimeDelta;

use crate::shape::{SOURCES, TOKEN, TOKEN_VARIABLE, first_day};

/// What a child process used.
pub(crate) struct Usage {
    pub(crate) wall: Duration,
    pub(crate) cpu: Duration,
    pub(crate) peak_rss_kib: u64,
    pub(crate) success: bool,
}

pub(crate) fn cpu_of(usage: &libc::rusage) -> Duration {
    let time = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    time(usage.ru_utime) + time(usage.ru_stime)
}

/// Waits for `child` (started at `started`) and reads its own resource usage.
pub(crate) fn wait(child: &Child, started: Instant) -> Usage {
    let mut status = 0;
    // SAFETY: a zeroed rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    // SAFETY: `status` and `usage` outlive the call; `pid` is our own unwaited child.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "wait4: {}", std::io::Error::last_os_error());
    Usage {
        wall: started.elapsed(),
        cpu: cpu_of(&usage),
        peak_rss_kib: usage.ru_maxrss as u64,
        success: libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
    }
}

/// A config of `sources` tenants' Qualtrics logins, each to its own file in `dir`.
pub(crate) fn config(dir: &Path, url: &str, sources: usize) -> PathBuf {
    let mut text = String::from("[defaults]\ncheckpoint = \"checkpoints.json\"\n");
    for n in 0..sources {
        text.push_str(&format!(
            "\n[[source]]\ntenant = \"t{n}\"\nvendor = \"qualtrics\"\nstreams = [\"logins\"]\n\
             credentials = {{ base_url = \"{url}/API/v3\", api_token = {{ env = \"{TOKEN_VARIABLE}\" }} }}\n\
             sink = {{ file = \"t{n}.jsonl\" }}\n"
        ));
    }
    let path = dir.join("auditkit.toml");
    std::fs::write(&path, text).expect("the config");
    path
}

pub(crate) fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("bench-export-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

pub(crate) fn command(dir: &Path, args: &[String]) -> (Child, Instant) {
    let stderr = std::fs::File::create(dir.join("stderr.log")).expect("a log file");
    let started = Instant::now();
    // Another build of the command (to compare before and after a change), or this one.
    let program = std::env::var_os("AUDITKIT_BENCH_COMMAND")
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_auditkit").into());
    let child = Command::new(program)
        .args(args)
        .current_dir(dir)
        .env(TOKEN_VARIABLE, TOKEN)
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .expect("auditkit");
    (child, started)
}

pub(crate) fn failed(dir: &Path, what: &str) -> ! {
    let log = std::fs::read_to_string(dir.join("stderr.log")).unwrap_or_default();
    panic!("{what} failed:\n{log}");
}

/// Lines in the files `t*.jsonl` of `dir`.
pub(crate) fn lines_in(dir: &Path, sources: usize) -> usize {
    (0..sources)
        .map(|n| {
            let mut count = 0;
            let mut file = std::fs::File::open(dir.join(format!("t{n}.jsonl"))).expect("output");
            let mut buffer = vec![0u8; 1 << 20];
            loop {
                let read = file.read(&mut buffer).expect("read");
                if read == 0 {
                    break count;
                }
                count += buffer[..read].iter().filter(|byte| **byte == b'\n').count();
            }
        })
        .sum()
}

/// The range of `days` days from the first day, as `--from` and `--to`.
pub(crate) fn range(days: usize) -> [String; 4] {
    let day = |n: usize| (first_day() + TimeDelta::days(n as i64)).format("%Y-%m-%d").to_string();
    ["--from".into(), day(0), "--to".into(), day(days)]
}

/// `auditkit export` of `events` (4 sources, `events / 4` each, over 4 days).
pub(crate) fn export(url: &str, events: usize) -> Usage {
    let dir = scratch("command");
    let config = config(&dir, url, SOURCES);
    let mut args = vec!["export".to_owned(), "--config".into(), config.display().to_string()];
    args.extend(range(4));
    args.push("-q".into());
    let (child, started) = command(&dir, &args);
    let usage = wait(&child, started);
    if !usage.success {
        failed(&dir, "auditkit export");
    }
    assert_eq!(lines_in(&dir, SOURCES), events, "every event exported once");
    let _ = std::fs::remove_dir_all(&dir);
    usage
}
