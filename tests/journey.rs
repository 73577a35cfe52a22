//! The customer's whole journey through the web page, in a real headless Chromium against
//! the real mesh: register, search, a plan with its devices, the bundle price with the
//! discount line, paying with a test card, the nearest installer and a slot, the
//! confirmation; a declined card; an unknown postal code; logging out and in again; a
//! device that needs no fitting. The browser is driven with clicks and typing by
//! `tests/browser/journey.mjs` (see `common::browser` for what it needs and when it is
//! skipped), which prints one line per step. The buy-back journey (seed 004) is in
//! `tests/browser.rs`.

mod common;

use common::{TestMesh, browser};
use tandem::Target;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_buys_a_plan_with_a_device_in_the_browser() {
    let Some(tools) = browser::tools("the browser journey") else {
        return;
    };
    let mesh = TestMesh::sqlite().await;
    tools
        .run("journey.mjs", &mesh.url(Target::Gateway), 5)
        .await;
    mesh.stop().await;
}

/// The customer's side of a sale in the browser (issue 15, `tests/browser/customer.mjs`):
/// a plan alone, a device alone with the purchases consent, a bundle with a slot chosen
/// before paying, then the account page — the appointment moved, the policy and the order
/// cancelled and refunded — and the printable policy schedule. Screenshots at 390 and
/// 1280 px are kept under the target directory (or `$TANDEM_SHOTS_DIR`). Afterwards the
/// ledger is sound and holds exactly what was kept: the plan alone and the device alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_buys_alone_and_manages_it_all_from_the_account_page_in_the_browser() {
    let Some(tools) = browser::tools("the customer's side journey") else {
        return;
    };
    let mesh = TestMesh::sqlite().await;
    let shots = std::env::var_os("TANDEM_SHOTS_DIR")
        .map_or_else(
            || std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-shots"),
            std::path::PathBuf::from,
        )
        .join("customer");
    let shots = shots.display().to_string();
    tools
        .run_with_env(
            "customer.mjs",
            &[&mesh.url(Target::Gateway)],
            &[("CUSTOMER_SHOTS", &shots)],
            "journeys: 4 passed, 0 failed",
        )
        .await;
    let summary = mesh.ledger().await;
    let balance = |account| tandem_mesh::testing::ledger::balance(&summary, account, "USD");
    let (insurer, seller) = (balance("merchant:insurance"), balance("merchant:accessory"));
    // Safe Driver for the SUV alone, and the RL-1 dashcam alone; the bundle was undone.
    assert!(insurer > 0 && seller > 0, "{insurer} {seller}");
    let rl1 = 9_900;
    assert_eq!(
        seller, rl1,
        "only the device bought alone stays paid to the seller"
    );
    mesh.stop().await;
}
