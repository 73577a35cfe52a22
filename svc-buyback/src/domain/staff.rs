//! What a staff member's record must hold (`UpsertStaff`).

use super::password::Password;
use super::{InvalidField, required_text};

/// A staff member's record as the administration gives it, checked.
#[derive(Clone, Debug)]
pub struct StaffRecord {
    /// 1–40 letters, digits and dashes.
    pub staff_id: String,
    /// 1–200 characters.
    pub name: String,
    /// Lower case, with an `@`, at most 200 characters.
    pub email: String,
    /// A new password, if one is given.
    pub password: Option<Password>,
    /// Whether they may log in and inspect.
    pub active: bool,
}

impl StaffRecord {
    /// Checks the fields; `password` empty means "keep the current one".
    pub fn parse(
        staff_id: &str,
        name: &str,
        email: &str,
        password: &str,
        active: bool,
    ) -> Result<Self, InvalidField> {
        let staff_id = required_text("staff_id", staff_id, 40)?;
        if !staff_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(InvalidField::new(
                "staff_id",
                "only letters, digits and dashes",
            ));
        }
        let name = required_text("name", name, 200)?;
        let email = required_text("email", email, 200)?.to_lowercase();
        let well_formed = email
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
            && !email.chars().any(char::is_whitespace);
        if !well_formed {
            return Err(InvalidField::new("email", "not an e-mail address"));
        }
        let password = (!password.is_empty())
            .then(|| Password::parse(password))
            .transpose()?;
        Ok(Self {
            staff_id: staff_id.to_owned(),
            name: name.to_owned(),
            email,
            password,
            active,
        })
    }
}
