//! The customer's whole journey through the web page, in a real headless Chromium against
//! the real mesh: register, search, a plan with its devices, the bundle price with the
//! discount line, paying with a test card, the nearest installer and a slot, the
//! confirmation; a declined card; an unknown postal code; logging out and in again; a
//! device that needs no fitting. The browser is driven with clicks and typing by
//! `tests/browser/journey.mjs` (see `common::browser` for what it needs and when it is
//! skipped), which prints one line per step. The buy-back journey (seed 004) runs the
//! same way from `tests/browser/buyback.mjs`.

mod common;

use common::{DESK_LOGIN, TestMesh, browser};
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

/// The buy-back journey (seed 004) in the browser, by `tests/browser/buyback.mjs`: the
/// order confirmation's designation, the estimate, a typo, a mismatch, verification, the
/// staff desk's inspection with a counteroffer, payment, the seller's record, a
/// non-targeted purchase and too many attempts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_sells_back_a_used_device_in_the_browser() {
    let Some(tools) = browser::tools("the buy-back journey") else {
        return;
    };
    let mesh = TestMesh::sqlite().await;
    tools
        .run_with(
            "buyback.mjs",
            &[&mesh.url(Target::Gateway), DESK_LOGIN.0, DESK_LOGIN.1],
            "buyback steps: 11 passed, 0 failed",
        )
        .await;
    mesh.stop().await;
}
