//! `auditkit` processes: the command, a config of many tenants, and replicas to start,
//! kill, pause and stop.

use std::{
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::Duration,
};

use auditkit::testkit::Sandbox;

/// The command, quiet about progress, its logs at info.
pub fn auditkit(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_auditkit"));
    command.current_dir(dir).env_clear().env("RUST_LOG", "info");
    command
}

/// A config of `tenants` tenants (`t00`…) on the sandbox's Qualtrics, each with `streams`,
/// each writing `<tenant>-{replica}.jsonl`, checkpoints in `db`'s schema at `url`.
pub fn config(
    dir: &Path,
    sandbox: &Sandbox,
    url: &str,
    schema: &str,
    tenants: usize,
    streams: &[&str],
) -> PathBuf {
    let mut text = format!(
        "store = \"{url}\"\nstore_schema = \"{schema}\"\n\n[defaults]\nlookback = \"2h\"\nlag = \"2s\"\n\
         overlap = \"1m\"\ninterval = \"1s\"\nbatch_size = 10\n"
    );
    let streams: Vec<String> = streams.iter().map(|s| format!("\"{s}\"")).collect();
    for tenant in 0..tenants {
        text.push_str(&format!(
            "\n[[source]]\ntenant = \"t{tenant:02}\"\nvendor = \"qualtrics\"\nstreams = [{}]\n\
             credentials = {{ base_url = \"{}\", api_token = {{ env = \"SANDBOX_TOKEN\" }} }}\n\
             sink = {{ file = \"t{tenant:02}-{{replica}}.jsonl\" }}\n",
            streams.join(", "),
            sandbox.qualtrics_url()
        ));
    }
    let path = dir.join("auditkit.toml");
    std::fs::write(&path, text).expect("config");
    path
}

/// One `auditkit collect` replica, started again and again under its name.
pub struct Replica {
    pub name: String,
    dir: PathBuf,
    config: PathBuf,
    token: String,
    lease: String,
    pub child: Option<Child>,
}

impl Replica {
    pub fn new(name: &str, dir: &Path, config: &Path, sandbox: &Sandbox, lease: &str) -> Self {
        Self {
            name: name.to_owned(),
            dir: dir.to_owned(),
            config: config.to_owned(),
            token: sandbox.qualtrics_api_token().to_owned(),
            lease: lease.to_owned(),
            child: None,
        }
    }

    pub fn start(&mut self) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.join(format!("{}.log", self.name)))
            .expect("log");
        let child = auditkit(&self.dir)
            .env("SANDBOX_TOKEN", &self.token)
            .args(["collect", "--quiet", "--config"])
            .arg(&self.config)
            .args(["--replica", &self.name, "--lease", &self.lease])
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("spawn auditkit collect");
        self.child = Some(child);
    }

    pub fn pid(&self) -> String {
        self.child.as_ref().map(|child| child.id().to_string()).unwrap_or_default()
    }

    pub fn signal(&self, signal: &str) {
        let status = Command::new("kill").arg(format!("-{signal}")).arg(self.pid()).status();
        assert!(status.is_ok_and(|status| status.success()), "kill -{signal} {}", self.pid());
    }

    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// SIGTERM, and its exit status within `within`.
    pub fn terminate(&mut self, within: Duration) -> std::process::ExitStatus {
        self.signal("TERM");
        let mut child = self.child.take().expect("running");
        let deadline = std::time::Instant::now() + within;
        loop {
            if let Some(status) = child.try_wait().expect("wait") {
                return status;
            }
            if std::time::Instant::now() > deadline {
                let _ = child.kill();
                panic!("{} did not stop within {within:?} of SIGTERM", self.name);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join(format!("{}.log", self.name))).unwrap_or_default()
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        if let Some(child) = &self.child {
            let _ = Command::new("kill").arg("-CONT").arg(child.id().to_string()).status();
        }
        self.kill();
    }
}
