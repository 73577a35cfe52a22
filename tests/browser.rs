//! The web page in a real headless Chromium against the real mesh: opening the page with
//! search conditions in the URL runs the search and shows plans with their associated
//! devices; bad conditions show the API's message next to the form.
//!
//! Needs Debian's `chromium`; skipped with a note when it is missing, unless
//! `TANDEM_REQUIRE_BROWSER=1` (as in CI), where a missing browser fails the test
//! (see `common::browser`).

mod common;

use common::{TestMesh, browser, search_query};
use tandem::Target;

/// The page's DOM after its scripts ran (fetches included), as Chromium serialises it.
async fn rendered_dom(chromium: &std::path::Path, url: &str) -> String {
    let profile = std::env::temp_dir().join(format!("tandem-chromium-{}", std::process::id()));
    let output = tokio::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--virtual-time-budget=15000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(url)
        .output()
        .await
        .expect("run chromium");
    std::fs::remove_dir_all(&profile).ok();
    assert!(
        output.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("utf-8 DOM")
}

#[tokio::test]
async fn the_page_shows_plans_with_their_devices() {
    let Some(chromium) = browser::chromium("the page test") else {
        return;
    };
    let mesh = TestMesh::sqlite().await;
    let gateway = mesh.url(Target::Gateway);

    let dom = rendered_dom(&chromium, &format!("{gateway}/?{}", search_query())).await;
    assert!(
        dom.contains(r#"data-state="done""#),
        "search finished:\n{dom}"
    );
    for plan in [
        "PLN-SAFE-DRIVER",
        "PLN-PREMIUM-PLUS",
        "PLN-COMPREHENSIVE",
        "PLN-LIABILITY",
    ] {
        assert!(
            dom.contains(&format!(r#"data-plan-id="{plan}""#)),
            "{plan} shown"
        );
    }
    assert!(
        !dom.contains(r#"data-plan-id="PLN-YOUNG-DRIVER""#),
        "ineligible plan hidden"
    );
    assert!(dom.contains("Safe Driver Comprehensive"));
    assert!(
        dom.contains(r#"class="device""#) && dom.contains(r#"data-product-id="DEV-DC-1001""#),
        "devices shown"
    );
    assert!(
        dom.contains(r#"href="/devices/DEV-"#),
        "each device links to its purchase page"
    );

    let bad = search_query().replace("postal_code=94103", "postal_code=96201");
    let dom = rendered_dom(&chromium, &format!("{gateway}/?{bad}")).await;
    assert!(dom.contains(r#"data-state="error""#), "error state:\n{dom}");
    assert!(dom.contains("postal_code"), "the message names the field");
    assert!(!dom.contains("data-plan-id="));

    // A bare visit searches the form's example conditions, so plans show at once.
    let dom = rendered_dom(&chromium, &format!("{gateway}/")).await;
    assert!(
        dom.contains(r#"data-state="done""#) && dom.contains(r#"data-plan-id="PLN-SAFE-DRIVER""#),
        "{dom}"
    );

    let dom = rendered_dom(&chromium, &format!("{gateway}/devices/DEV-TT-1001")).await;
    assert!(
        dom.contains("Trackwell TW-GPS Stolen Vehicle Tracker"),
        "device page:\n{dom}"
    );
    mesh.stop().await;
}
