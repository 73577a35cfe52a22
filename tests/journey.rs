//! The customer's whole journey through the web page, in a real headless Chromium against
//! the real mesh: register, search, a plan with its devices, the bundle price with the
//! discount line, paying with a test card, the nearest installer and a slot, the
//! confirmation; a declined card; an unknown postal code; logging out and in again; a
//! device that needs no fitting. The browser is driven with clicks and typing by
//! `tests/browser/journey.mjs` (Node + playwright-core, using Debian's chromium; it never
//! downloads a browser), which prints one line per step. The buy-back journey (seed 004)
//! runs the same way from `tests/browser/buyback.mjs`.
//!
//! Needs `node`, `npm ci --prefix tests/browser` and `apt-get install chromium`; skipped
//! with a note when one is missing, unless `TANDEM_REQUIRE_BROWSER=1` (as in CI), where a
//! missing one fails the test.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{OPERATOR_TOKEN, TestMesh};
use tandem::Target;

/// Longest time the whole browser run may take (it takes well under a minute).
const JOURNEY_TIMEOUT: Duration = Duration::from_secs(300);

/// What the browser test needs: node, the playwright-core module, and a Chromium.
struct Tools {
    node: String,
    chromium: PathBuf,
}

fn tools(root: &Path) -> Option<Tools> {
    let node = ["node", "nodejs"].into_iter().find(|n| {
        Command::new(n)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    let module = root.join("tests/browser/node_modules/playwright-core/package.json");
    let chromium = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .into_iter()
        .chain(["/usr/bin/chromium", "/usr/bin/chromium-browser"].map(PathBuf::from))
        .find(|p| p.is_file());

    let mut missing = Vec::new();
    if node.is_none() {
        missing.push("node");
    }
    if !module.is_file() {
        missing.push("the playwright-core module in tests/browser/node_modules");
    }
    if chromium.is_none() {
        missing.push("chromium");
    }
    if missing.is_empty() {
        return Some(Tools {
            node: node?.to_owned(),
            chromium: chromium?,
        });
    }
    let missing = missing.join(", ");
    assert!(
        std::env::var("TANDEM_REQUIRE_BROWSER").as_deref() != Ok("1"),
        "TANDEM_REQUIRE_BROWSER=1 but the browser journey cannot run: missing {missing}. \
         Run `npm ci --prefix tests/browser` and `apt-get install chromium` (and install nodejs)."
    );
    eprintln!(
        "note: skipping the browser journey: missing {missing} \
         (`npm ci --prefix tests/browser`, `apt-get install chromium nodejs`)"
    );
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_buys_a_plan_with_a_device_in_the_browser() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let Some(tools) = tools(root) else { return };
    let mesh = TestMesh::sqlite().await;
    let gateway = mesh.url(Target::Gateway);

    let run = tokio::process::Command::new(&tools.node)
        .arg("tests/browser/journey.mjs")
        .arg(&gateway)
        .current_dir(root)
        .env("CHROMIUM", &tools.chromium)
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(JOURNEY_TIMEOUT, run)
        .await
        .unwrap_or_else(|_| panic!("the browser journey did not finish in {JOURNEY_TIMEOUT:?}"))
        .expect("run node");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    if !stderr.trim().is_empty() {
        eprintln!("{stderr}");
    }
    assert!(
        output.status.success(),
        "the browser journey failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    assert!(
        stdout.contains("journeys: 5 passed, 0 failed"),
        "every journey ran:\n{stdout}"
    );
    mesh.stop().await;
}

/// The buy-back journey (seed 004) in the browser, by `tests/browser/buyback.mjs`: the
/// order confirmation's designation, the estimate, a typo, a mismatch, verification, the
/// staff desk's inspection with a counteroffer, payment, the seller's record, a
/// non-targeted purchase and too many attempts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_sells_back_a_used_device_in_the_browser() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let Some(tools) = tools(root) else { return };
    let mesh = TestMesh::sqlite().await;
    let gateway = mesh.url(Target::Gateway);

    let run = tokio::process::Command::new(&tools.node)
        .arg("tests/browser/buyback.mjs")
        .arg(&gateway)
        .arg(OPERATOR_TOKEN)
        .current_dir(root)
        .env("CHROMIUM", &tools.chromium)
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(JOURNEY_TIMEOUT, run)
        .await
        .unwrap_or_else(|_| panic!("the buy-back journey did not finish in {JOURNEY_TIMEOUT:?}"))
        .expect("run node");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    if !stderr.trim().is_empty() {
        eprintln!("{stderr}");
    }
    assert!(
        output.status.success(),
        "the buy-back journey failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    assert!(
        stdout.contains("buyback steps: 11 passed, 0 failed"),
        "every step ran:\n{stdout}"
    );
    mesh.stop().await;
}
