//! Running a browser journey: a script under `tests/browser/` (Node + playwright-core,
//! driving Debian's Chromium with clicks and typing; it never downloads a browser) against
//! a gateway, printing one line per step and `journeys: N passed, M failed` at the end.
//!
//! Needs `node`, `npm ci --prefix tests/browser` and `apt-get install chromium`; a journey
//! is skipped with a note when one is missing, unless `TANDEM_REQUIRE_BROWSER=1` (as in
//! CI), where a missing one fails the test.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// Longest time one browser run may take (each takes well under a minute).
pub const JOURNEY_TIMEOUT: Duration = Duration::from_secs(300);

/// What a browser journey needs: node, the playwright-core module, and a Chromium.
pub struct Tools {
    /// The node executable.
    node: String,
    /// The Chromium executable.
    chromium: PathBuf,
}

/// The crate root, where `tests/browser` lives.
fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Debian's Chromium (or `$CHROMIUM`), if installed.
fn find_chromium() -> Option<PathBuf> {
    std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .into_iter()
        .chain(["/usr/bin/chromium", "/usr/bin/chromium-browser"].map(PathBuf::from))
        .find(|p| p.is_file())
}

/// Fails the test when the browser is required, else prints a note that `what` is skipped.
fn missing(what: &str, missing: &[&str]) {
    let missing = missing.join(", ");
    assert!(
        std::env::var("TANDEM_REQUIRE_BROWSER").as_deref() != Ok("1"),
        "TANDEM_REQUIRE_BROWSER=1 but {what} cannot run: missing {missing}. \
         Run `npm ci --prefix tests/browser` and `apt-get install chromium` (and install nodejs)."
    );
    eprintln!(
        "note: skipping {what}: missing {missing} \
         (`npm ci --prefix tests/browser`, `apt-get install chromium nodejs`)"
    );
}

/// Chromium alone (for tests that only dump a page's DOM), or `None` with a note.
///
/// # Panics
/// When `TANDEM_REQUIRE_BROWSER=1` and Chromium is missing.
pub fn chromium(what: &str) -> Option<PathBuf> {
    let found = find_chromium();
    if found.is_none() {
        missing(what, &["chromium"]);
    }
    found
}

/// The tools, or `None` (with a note) when one is missing and the browser is not required.
///
/// # Panics
/// When `TANDEM_REQUIRE_BROWSER=1` and a tool is missing.
pub fn tools(journey: &str) -> Option<Tools> {
    let node = ["node", "nodejs"].into_iter().find(|n| {
        Command::new(n)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    let module = root().join("tests/browser/node_modules/playwright-core/package.json");
    let chromium = find_chromium();
    if let (Some(node), true, Some(chromium)) = (node, module.is_file(), chromium.clone()) {
        return Some(Tools {
            node: node.to_owned(),
            chromium,
        });
    }
    let mut absent = Vec::new();
    if node.is_none() {
        absent.push("node");
    }
    if !module.is_file() {
        absent.push("the playwright-core module in tests/browser/node_modules");
    }
    if chromium.is_none() {
        absent.push("chromium");
    }
    missing(journey, &absent);
    None
}

impl Tools {
    /// Runs `tests/browser/<script>` against `gateway` and fails the test unless every one
    /// of its `journeys` passed; returns what it printed.
    pub async fn run(&self, script: &str, gateway: &str, journeys: usize) -> String {
        let done = format!("journeys: {journeys} passed, 0 failed");
        self.run_with(script, &[gateway], &done).await
    }

    /// Runs `tests/browser/<script>` with `args` and asserts it succeeded and printed
    /// `done` (its summary line); returns what it printed.
    pub async fn run_with(&self, script: &str, args: &[&str], done: &str) -> String {
        self.run_with_env(script, args, &[], done).await
    }

    /// [`Tools::run_with`] with `env` set for the script (e.g. where screenshots go).
    pub async fn run_with_env(
        &self,
        script: &str,
        args: &[&str],
        env: &[(&str, &str)],
        done: &str,
    ) -> String {
        let run = tokio::process::Command::new(&self.node)
            .arg(Path::new("tests/browser").join(script))
            .args(args)
            .envs(env.iter().copied())
            .current_dir(root())
            .env("CHROMIUM", &self.chromium)
            .stdin(Stdio::null())
            .kill_on_drop(true)
            .output();
        let output = tokio::time::timeout(JOURNEY_TIMEOUT, run)
            .await
            .unwrap_or_else(|_| panic!("{script} did not finish in {JOURNEY_TIMEOUT:?}"))
            .expect("run node");
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&output.stderr);
        println!("{stdout}");
        if !stderr.trim().is_empty() {
            eprintln!("{stderr}");
        }
        assert!(
            output.status.success(),
            "{script} failed ({}):\n{stdout}\n{stderr}",
            output.status
        );
        assert!(
            stdout.contains(done),
            "every step of {script} ran:\n{stdout}"
        );
        stdout
    }
}
