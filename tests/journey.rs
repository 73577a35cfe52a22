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
