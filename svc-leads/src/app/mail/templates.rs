//! The e-mail templates (one per lead kind plus the customer's receipt and appointment
//! notice, each as plain text and HTML), rendered with minijinja. HTML templates escape
//! every value, so a customer's comment cannot inject markup into a salesperson's mail
//! client.

use std::sync::OnceLock;

use minijinja::Environment;
use serde::Serialize;

/// (name, source) of every template; `_…` are partials and the layout.
const SOURCES: &[(&str, &str)] = &[
    (
        "_layout.html",
        include_str!("../../../templates/_layout.html"),
    ),
    (
        "_customer.txt",
        include_str!("../../../templates/_customer.txt"),
    ),
    (
        "_customer.html",
        include_str!("../../../templates/_customer.html"),
    ),
    (
        "_related.txt",
        include_str!("../../../templates/_related.txt"),
    ),
    (
        "_related.html",
        include_str!("../../../templates/_related.html"),
    ),
    (
        "_appointment.txt",
        include_str!("../../../templates/_appointment.txt"),
    ),
    (
        "_appointment.html",
        include_str!("../../../templates/_appointment.html"),
    ),
    (
        "appointment.txt",
        include_str!("../../../templates/appointment.txt"),
    ),
    (
        "appointment.html",
        include_str!("../../../templates/appointment.html"),
    ),
    (
        "contact.txt",
        include_str!("../../../templates/contact.txt"),
    ),
    (
        "contact.html",
        include_str!("../../../templates/contact.html"),
    ),
    (
        "registration_update.txt",
        include_str!("../../../templates/registration_update.txt"),
    ),
    (
        "registration_update.html",
        include_str!("../../../templates/registration_update.html"),
    ),
    (
        "purchase.txt",
        include_str!("../../../templates/purchase.txt"),
    ),
    (
        "purchase.html",
        include_str!("../../../templates/purchase.html"),
    ),
    (
        "interest.txt",
        include_str!("../../../templates/interest.txt"),
    ),
    (
        "interest.html",
        include_str!("../../../templates/interest.html"),
    ),
    (
        "receipt.txt",
        include_str!("../../../templates/receipt.txt"),
    ),
    (
        "receipt.html",
        include_str!("../../../templates/receipt.html"),
    ),
];

/// The templates, parsed once.
fn environment() -> &'static Result<Environment<'static>, String> {
    static ENV: OnceLock<Result<Environment<'static>, String>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        // `.html` auto-escapes (minijinja's default by file name); `.txt` does not.
        for (name, source) in SOURCES {
            env.add_template(name, source).map_err(|e| e.to_string())?;
        }
        Ok(env)
    })
}

/// The plain-text and HTML bodies of template `name` (e.g. "contact") with `context`.
pub fn render(name: &str, context: &impl Serialize) -> Result<(String, String), minijinja::Error> {
    let env = environment()
        .as_ref()
        .map_err(|e| minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, e.clone()))?;
    let context = minijinja::Value::from(minijinja::value::Serde(context));
    let text = env.get_template(&format!("{name}.txt"))?.render(&context)?;
    let html = env
        .get_template(&format!("{name}.html"))?
        .render(&context)?;
    Ok((text, html))
}
