//! A partner's webhook receiver (`tests/support/webhook_receiver.py`): a real HTTP
//! server that verifies every request with the official Standard Webhooks library.
//! Without the `standardwebhooks` package the webhook tests are skipped locally with a
//! notice; in CI (`CI` set) that is an error.

use std::io::{BufRead as _, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// A running receiver, stopped when dropped.
pub struct Receiver {
    pub port: u16,
    dir: PathBuf,
    child: Child,
}

impl Receiver {
    pub fn start() -> Option<Self> {
        let present = Command::new("python3")
            .args(["-c", "import standardwebhooks"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !present {
            if std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false") {
                panic!("CI is set but Python's standardwebhooks is missing: the webhook tests must run in CI");
            }
            eprintln!("standardwebhooks is not installed (pip install standardwebhooks): skipping this webhook test");
            return None;
        }
        let dir = std::env::temp_dir().join(format!("yui-hooks-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).expect("receiver dir");
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/webhook_receiver.py");
        let mut child = Command::new("python3")
            .arg(script)
            .arg("--out")
            .arg(&dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the webhook receiver");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("the receiver's port");
        let port = line.trim().strip_prefix("PORT ").and_then(|p| p.parse().ok()).expect("PORT line");
        Some(Self { port, dir, child })
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// The secrets the receiver verifies with (as a partner would store them).
    pub fn set_secrets(&self, secrets: &[&str]) {
        std::fs::write(self.dir.join("secrets.json"), serde_json::to_string(secrets).expect("json")).expect("secrets");
    }

    /// Answer every request with `status` from now on (`None`: 204 again).
    pub fn answer(&self, status: Option<u16>) {
        match status {
            Some(status) => std::fs::write(self.dir.join("status"), status.to_string()).expect("status"),
            None => {
                let _ = std::fs::remove_file(self.dir.join("status"));
            }
        }
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<Value> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .expect("dir")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension().is_some_and(|x| x == "json") && p.file_name().is_some_and(|n| n != "secrets.json")
            })
            .collect();
        files.sort();
        files.iter().map(|f| serde_json::from_str(&std::fs::read_to_string(f).expect("file")).expect("json")).collect()
    }

    /// The requests to `path`, each with its body parsed.
    pub fn to(&self, path: &str) -> Vec<Value> {
        self.requests().into_iter().filter(|r| r["path"] == path).collect()
    }

    /// Waits (at most 20 s) until `path` has received `count` requests.
    pub async fn wait_for(&self, path: &str, count: usize) -> Vec<Value> {
        let started = Instant::now();
        loop {
            let got = self.to(path);
            if got.len() >= count {
                return got;
            }
            assert!(started.elapsed() < Duration::from_secs(20), "{path}: {} of {count} requests: {got:#?}", got.len());
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A request's body as JSON.
pub fn body(request: &Value) -> Value {
    serde_json::from_str(request["body"].as_str().expect("body")).expect("a JSON body")
}
