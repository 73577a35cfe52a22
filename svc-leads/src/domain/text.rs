//! Free-text rules shared by the sales-desk requests. Everything that may end up in an
//! e-mail header or a one-line field is a *single line*: a CR or LF there could smuggle
//! extra headers into the e-mail (header injection), so it is refused, not stripped.

use tandem_mesh::status::InvalidField;

/// Longest comment on a contact form, in characters.
pub const MAX_COMMENT_CHARS: usize = 2_000;

/// Control characters and the Unicode line/paragraph separators.
fn is_forbidden_in_line(c: char) -> bool {
    c.is_control() || c == '\u{2028}' || c == '\u{2029}'
}

/// A required message or value: `value`, or "required" on `field` when absent.
pub fn required<T>(field: &'static str, value: Option<T>) -> Result<T, InvalidField> {
    value.ok_or_else(|| InvalidField::new(field, "required"))
}

/// An optional single line: trimmed, at most `max` characters, no line breaks or
/// control characters. Empty stays empty.
pub fn optional_line(field: &'static str, raw: &str, max: usize) -> Result<String, InvalidField> {
    let value = raw.trim();
    if value.chars().any(is_forbidden_in_line) {
        return Err(InvalidField::new(
            field,
            "must be a single line without control characters",
        ));
    }
    if value.chars().count() > max {
        return Err(InvalidField::new(
            field,
            format!("at most {max} characters"),
        ));
    }
    Ok(value.to_owned())
}

/// A required single line (see [`optional_line`]).
pub fn required_line(field: &'static str, raw: &str, max: usize) -> Result<String, InvalidField> {
    let value = optional_line(field, raw, max)?;
    if value.is_empty() {
        return Err(InvalidField::new(field, "required"));
    }
    Ok(value)
}

/// A multi-line comment: line breaks normalised to `\n`, trimmed, at most
/// [`MAX_COMMENT_CHARS`] characters, no control characters other than line breaks and tabs.
pub fn comment(field: &'static str, raw: &str) -> Result<String, InvalidField> {
    let value = raw.replace("\r\n", "\n").replace('\r', "\n");
    let value = value.trim();
    if value
        .chars()
        .any(|c| (c.is_control() && c != '\n' && c != '\t') || c == '\u{2028}' || c == '\u{2029}')
    {
        return Err(InvalidField::new(
            field,
            "must not contain control characters",
        ));
    }
    if value.chars().count() > MAX_COMMENT_CHARS {
        return Err(InvalidField::new(
            field,
            format!("at most {MAX_COMMENT_CHARS} characters"),
        ));
    }
    Ok(value.to_owned())
}

/// A lower_snake_case code (product line, area …): 1–`max` of `a-z`, `0-9`, `_`.
pub fn code(field: &'static str, raw: &str, max: usize) -> Result<String, InvalidField> {
    let value = raw.trim().to_ascii_lowercase();
    if value.is_empty() {
        return Err(InvalidField::new(field, "required"));
    }
    if value.len() > max
        || !value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        return Err(InvalidField::new(
            field,
            format!("1 to {max} letters, digits or underscores"),
        ));
    }
    Ok(value)
}
