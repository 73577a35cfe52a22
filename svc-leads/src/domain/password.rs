//! Customer and sales-staff passwords: the mesh's rules ([`tandem_mesh::password`]), and
//! a customer's may not be their e-mail address.

pub use tandem_mesh::password::{DUMMY_HASH, PASSWORD_CHARS, Password, hash, verify};
use tandem_mesh::status::InvalidField;

/// Checks a new password for the person with (lower-case) `email`: 10–128 characters,
/// not one character repeated, not the e-mail address.
pub fn parse(raw: &str, email: &str) -> Result<Password, InvalidField> {
    Password::parse(raw)?.differs_from(email, "the e-mail address")
}
