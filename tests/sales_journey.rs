//! The sales desk and the staff page in a real headless Chromium against the real mesh,
//! with a real SMTP server: the demo customer logs in, opens the menu and the product
//! information (Detail, Options, Consumables, Purchase), contacts sales staff through the
//! prefilled form (after two refused attempts: no action ticked, an oversized comment),
//! updates their registration once without and once with consent (after a refused bad
//! e-mail address); then the salesperson logs in to the staff page, sees the contact
//! request with the customer's details, acknowledges and closes it, and the other
//! salesperson sees the consented change only. The browser is driven with clicks and
//! typing by `tests/browser/sales.mjs` (see `common::browser`).
//!
//! What the pages said is checked against what the SMTP server received: the contact went
//! to the salesperson in charge of dashcams in the customer's area, the consented change
//! to the one with the fewest open leads, and nothing else was sent — not the change made
//! without consent, nor anything for the refused attempts.

mod common;

use std::time::Duration;

use common::smtp::{MailServer, Received};
use common::{Engine, TestMesh, browser, leads_config_with_smtp};
use serde_json::Value;
use tandem::Target;

const WAIT: Duration = Duration::from_secs(30);
const DANA: &str = "dana.reyes@sales.tandem.example";
const SAM: &str = "sam.okafor@sales.tandem.example";

fn subject(mail: &Received) -> String {
    mail.header("Subject").unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_contacts_staff_and_updates_registration_in_the_browser() {
    let Some(tools) = browser::tools("the sales desk browser journey") else {
        return;
    };
    let smtp = MailServer::start();
    let mesh = TestMesh::start_with_leads(Engine::Sqlite, leads_config_with_smtp(&smtp))
        .await
        .unwrap();

    let stdout = tools.run("sales.mjs", &mesh.url(Target::Gateway), 4).await;
    let result: Value = stdout
        .lines()
        .find_map(|l| l.strip_prefix("result: "))
        .and_then(|json| serde_json::from_str(json).ok())
        .expect("the journey prints its result");
    let contact = &result["contact"];
    let registration = &result["registration"];
    assert_eq!(contact["staff_name"], "Dana Reyes", "{result}");
    assert_eq!(registration["staff_name"], "Sam Okafor", "{result}");

    // The contact request, as typed in the browser, to the dashcam salesperson of 941.
    let to_dana = smtp.wait_for(DANA, 1, WAIT).await;
    let mail = &to_dana[0];
    assert!(
        subject(mail).starts_with("Contact request: Alex Morgan"),
        "{}",
        subject(mail)
    );
    for part in ["lead_id", "phone", "comment", "model"] {
        let value = contact[part].as_str().unwrap();
        assert!(
            mail.body_contains(value),
            "{part} {value:?} in\n{}",
            mail.data
        );
    }

    // The consented change, with the owned products, to the salesperson with the fewest
    // open leads; the change made without consent is in no e-mail.
    let to_sam = smtp.wait_for(SAM, 1, WAIT).await;
    let mail = &to_sam[0];
    assert!(
        subject(mail).starts_with("Registration update"),
        "{}",
        subject(mail)
    );
    assert!(
        mail.body_contains(registration["lead_id"].as_str().unwrap()),
        "{}",
        mail.data
    );
    assert!(
        mail.body_contains("Section: (none) → Fleet"),
        "{}",
        mail.data
    );
    assert!(!mail.body_contains("→ Morgan Logistics"), "{}", mail.data);

    // Nothing else: give the dispatcher a few more rounds, then count.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let all: Vec<(Vec<String>, String)> = smtp
        .received()
        .iter()
        .map(|m| (m.to.clone(), subject(m)))
        .collect();
    assert_eq!(
        all.len(),
        2,
        "one contact and one consented change, nothing for the refused attempts or \
         the change made without consent: {all:?}"
    );
    mesh.stop().await;
}
