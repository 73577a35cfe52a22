//! The per-service documents say who may call each service exactly as the built-in
//! policy (src/policy.toml) does: a table under "## Who may call" in
//! docs/services/<target>.md. On a mismatch the test prints the table to paste.

use tandem::Target;

/// The "Who may call" table of `target` from the built-in policy.
fn expected_table(target: Target) -> String {
    let policy = tandem::trust::default_policy();
    let package = format!("tandem.{}.v1.", target.as_str());
    let mut rows = vec!["| partner | may call |".to_owned(), "|---|---|".to_owned()];
    for partner in policy.partners() {
        let methods: Vec<String> = policy
            .rules(partner)
            .iter()
            .filter_map(|rule| rule.strip_prefix(&package))
            .map(|rule| format!("`{rule}`"))
            .collect();
        if !methods.is_empty() {
            rows.push(format!("| `{partner}` | {} |", methods.join(", ")));
        }
    }
    rows.join("\n")
}

/// The table lines under the "## Who may call" heading of `doc`.
fn documented_table(doc: &str) -> Option<String> {
    let section = doc.split("\n## Who may call").nth(1)?;
    let table: Vec<&str> = section
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .collect();
    Some(table.join("\n"))
}

#[test]
fn each_service_doc_says_who_may_call_it_as_the_policy_does() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut wrong = Vec::new();
    for target in Target::ALL.into_iter().filter(|t| *t != Target::Gateway) {
        let path = root.join(format!("docs/services/{}.md", target.as_str()));
        let doc = std::fs::read_to_string(&path).expect("service doc");
        let expected = expected_table(target);
        if documented_table(&doc).as_deref() != Some(expected.as_str()) {
            wrong.push(format!(
                "{}: the \"## Who may call\" table should be:\n\n{expected}\n",
                path.display()
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_check_sees_a_missing_partner() {
    let table = expected_table(Target::Settlement);
    assert!(table.contains("`gateway`"), "{table}");
    let doc = format!("# x\n\n## Who may call\n\nIntro.\n\n{table}\n\nMore.\n");
    assert_eq!(documented_table(&doc).as_deref(), Some(table.as_str()));
    let fewer: String = table
        .lines()
        .filter(|l| !l.contains("`gateway`"))
        .collect::<Vec<_>>()
        .join("\n");
    let doc = format!("## Who may call\n\n{fewer}\n");
    assert_ne!(documented_table(&doc).as_deref(), Some(table.as_str()));
}
