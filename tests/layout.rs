//! The shape every service crate keeps (docs/service-shape.md): the same five layers, and
//! a `grpc/` layer that only maps — no store, no database, no peer clients, no status
//! built by hand. Reads the source tree; fails naming the file, line and rule broken.

use std::path::{Path, PathBuf};

/// The service crates.
const SERVICES: [&str; 6] = [
    "svc-insurance",
    "svc-accessory",
    "svc-install",
    "svc-settlement",
    "svc-leads",
    "svc-buyback",
];

/// The layers every service has under `src/`.
const LAYERS: [&str; 5] = ["grpc", "app", "domain", "store", "migration"];

/// What a file under `grpc/` must not contain, and why.
const FORBIDDEN_IN_GRPC: [(&str, &str); 14] = [
    ("crate::store", "uses the store (belongs in app/)"),
    ("store::", "uses the store (belongs in app/)"),
    ("sea_orm", "uses the database (belongs in store/ or app/)"),
    ("DatabaseConnection", "holds the database (belongs in app/)"),
    ("_client::", "calls a peer (belongs in app/)"),
    ("Client::new(", "calls a peer (belongs in app/)"),
    ("Client<", "holds a peer client (belongs in app/)"),
    (
        "transport::Channel",
        "holds a peer channel (belongs in app/)",
    ),
    (
        "Status::new(",
        "builds a status by hand (use the error enum)",
    ),
    (
        "Status::with_",
        "builds a status by hand (use the error enum)",
    ),
    (
        "status::invalid_argument",
        "builds a status by hand (use the error enum)",
    ),
    (
        "with_reason(",
        "builds a status by hand (use the error enum)",
    ),
    ("begin_write", "opens a transaction (belongs in app/)"),
    (
        "idempotency::remember",
        "records idempotency keys (belongs in app/ via once)",
    ),
];

/// `Status::<code>(` constructors, e.g. `Status::not_found(`.
const STATUS_CONSTRUCTORS: [&str; 16] = [
    "cancelled",
    "unknown",
    "invalid_argument",
    "deadline_exceeded",
    "not_found",
    "already_exists",
    "permission_denied",
    "resource_exhausted",
    "failed_precondition",
    "aborted",
    "out_of_range",
    "unimplemented",
    "internal",
    "unavailable",
    "data_loss",
    "unauthenticated",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The broken rules in one `grpc/` file's source, as "line N: `pattern` — why".
fn violations(source: &str) -> Vec<String> {
    let constructors: Vec<String> = STATUS_CONSTRUCTORS
        .iter()
        .map(|c| format!("Status::{c}("))
        .collect();
    let mut found = Vec::new();
    for (n, line) in source.lines().enumerate() {
        let code = line.split("//").next().unwrap_or_default();
        for (pattern, why) in FORBIDDEN_IN_GRPC {
            if code.contains(pattern) {
                found.push(format!("line {}: `{pattern}` — {why}", n + 1));
            }
        }
        for pattern in &constructors {
            if code.contains(pattern.as_str()) {
                found.push(format!(
                    "line {}: `{pattern}` — builds a status by hand (use the error enum)",
                    n + 1
                ));
            }
        }
    }
    found
}

#[test]
fn every_service_has_the_five_layers() {
    let mut missing = Vec::new();
    for service in SERVICES {
        for layer in LAYERS {
            let dir = root().join(service).join("src").join(layer);
            if !dir.join("mod.rs").is_file() {
                missing.push(format!("{service}/src/{layer}/mod.rs"));
            }
        }
    }
    assert!(missing.is_empty(), "missing layers: {missing:#?}");
}

#[test]
fn grpc_layers_only_map() {
    let mut broken = Vec::new();
    for service in SERVICES {
        let grpc = root().join(service).join("src").join("grpc");
        if !grpc.is_dir() {
            continue; // reported by every_service_has_the_five_layers
        }
        for file in rust_files(&grpc) {
            let source = std::fs::read_to_string(&file).expect("read source");
            for v in violations(&source) {
                broken.push(format!(
                    "{}: {v}",
                    file.strip_prefix(root()).unwrap_or(&file).display()
                ));
            }
        }
    }
    assert!(
        broken.is_empty(),
        "grpc/ must only map:\n{}",
        broken.join("\n")
    );
}

#[test]
fn the_check_catches_what_it_forbids() {
    let bad = "use crate::store::order;\nlet c = AccessoryOrdersClient::new(ch);\n\
               return Err(Status::not_found(\"x\"));\nlet db: sea_orm::DatabaseConnection;\n";
    let found = violations(bad);
    assert!(found.iter().any(|v| v.starts_with("line 1:")), "{found:?}");
    assert!(found.iter().any(|v| v.starts_with("line 2:")), "{found:?}");
    assert!(found.iter().any(|v| v.starts_with("line 3:")), "{found:?}");
    assert!(found.iter().any(|v| v.starts_with("line 4:")), "{found:?}");
    let good = "// a comment may say crate::store\nlet reply = self.app.reserve(req).await?;\n";
    assert!(violations(good).is_empty());
}
