//! Staff passwords: argon2id hashing and verification with the parameters svc-leads uses
//! for its logins. Only the PHC string of the hash is stored; the password itself is
//! never stored, logged or returned. Hashing is deliberately slow: call [`hash`] and
//! [`verify`] off the async runtime.

use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};

use super::InvalidField;

/// Shortest and longest password, in characters.
pub const PASSWORD_CHARS: std::ops::RangeInclusive<usize> = 10..=128;

/// The argon2id parameters every new hash uses: 19 MiB, two passes, one lane (OWASP's
/// argon2id minimum).
const PARAMS: Params = match Params::new(19_456, 2, 1, None) {
    Ok(params) => params,
    Err(_) => panic!("invalid argon2 parameters"),
};

/// A hash of a random, discarded password with the same parameters: verified against
/// when a login names no staff member, so an unknown login costs as much time as a
/// wrong password and the two cannot be told apart.
pub const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$Af35gNuvp8TlKQkCPwh5SQ$IixWcfS/VbMZxJ5vhFtHYRpTyMQZ0qzVlPwPO4q0XY8";

/// A password that meets the rules; its `Debug` output does not show it.
#[derive(Clone)]
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

impl Password {
    /// Checks a new password: 10–128 characters, not one character repeated.
    pub fn parse(raw: &str) -> Result<Self, InvalidField> {
        let bad = |reason: &str| InvalidField::new("password", reason.to_owned());
        let chars = raw.chars().count();
        if chars < *PASSWORD_CHARS.start() {
            return Err(bad("at least 10 characters"));
        }
        if chars > *PASSWORD_CHARS.end() {
            return Err(bad("at most 128 characters"));
        }
        let mut all = raw.chars();
        let first = all.next();
        if all.all(|c| Some(c) == first) {
            return Err(bad("must not be one character repeated"));
        }
        Ok(Self(raw.to_owned()))
    }
}

/// The hasher: argon2id, version 0x13, the parameters above.
fn argon2() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, PARAMS)
}

/// The PHC string of a fresh argon2id hash of `password` with a random salt.
pub fn hash(password: &Password) -> Result<String, argon2::password_hash::Error> {
    Ok(argon2().hash_password(password.0.as_bytes())?.to_string())
}

/// Whether `password` matches the PHC string `phc` (false for a malformed hash too).
pub fn verify(password: &str, phc: &str) -> bool {
    argon2().verify_password(password.as_bytes(), phc).is_ok()
}
