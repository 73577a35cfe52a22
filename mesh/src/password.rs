//! Login passwords of people (customers, sales staff, buy-back staff): the rules a new one
//! must meet, argon2id hashing and verification, and running that slow work off the async
//! runtime a few at a time. Only the PHC string of a hash is stored; a password itself is
//! never stored, logged or returned.

use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};

use crate::status::InvalidField;

/// Shortest and longest password, in characters.
pub const PASSWORD_CHARS: std::ops::RangeInclusive<usize> = 10..=128;
/// argon2 memory cost in KiB (19 MiB, OWASP's argon2id minimum).
pub const M_COST_KIB: u32 = 19_456;
/// argon2 passes over memory.
pub const T_COST: u32 = 2;
/// argon2 lanes.
pub const P_COST: u32 = 1;

/// The argon2id parameters every new hash uses.
const PARAMS: Params = match Params::new(M_COST_KIB, T_COST, P_COST, None) {
    Ok(params) => params,
    Err(_) => panic!("invalid argon2 parameters"),
};

/// A hash of a random, discarded password with the same parameters: verified against
/// when a login names nobody, so an unknown login costs as much time as a wrong password
/// and the two cannot be told apart.
pub const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$Af35gNuvp8TlKQkCPwh5SQ$IixWcfS/VbMZxJ5vhFtHYRpTyMQZ0qzVlPwPO4q0XY8";

/// Hashes computed at once. Each argon2id hash holds 19 MiB for its duration, so a burst
/// of registrations or logins would otherwise take memory without bound.
pub const MAX_HASHING: usize = 4;

/// Permits for [`MAX_HASHING`] hashes at a time, shared by every server of the process.
static HASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(MAX_HASHING);

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

    /// The same password, refused when it is `other` (case and surrounding space
    /// ignored), which the message calls `what` (e.g. "the e-mail address").
    pub fn differs_from(self, other: &str, what: &str) -> Result<Self, InvalidField> {
        let other = other.trim();
        if !other.is_empty() && self.0.trim().to_lowercase() == other.to_lowercase() {
            return Err(bad(&format!("must not be {what}")));
        }
        Ok(self)
    }

    /// The password itself, for hashing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

fn bad(reason: &str) -> InvalidField {
    InvalidField::new("password", reason.to_owned())
}

/// The hasher: argon2id, version 0x13, the parameters above.
fn argon2() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, PARAMS)
}

/// The PHC string of a fresh argon2id hash of `password` with a random salt.
pub fn hash(password: &Password) -> Result<String, argon2::password_hash::Error> {
    Ok(argon2()
        .hash_password(password.expose().as_bytes())?
        .to_string())
}

/// Whether `password` matches the PHC string `phc` (false for a malformed hash too).
pub fn verify(password: &str, phc: &str) -> bool {
    argon2().verify_password(password.as_bytes(), phc).is_ok()
}

/// Runs CPU-heavy password work ([`hash`], [`verify`]) off the async runtime, at most
/// [`MAX_HASHING`] at once (the rest wait their turn).
pub async fn off_runtime<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, tokio::task::JoinError> {
    // The semaphore is never closed, so acquiring only waits.
    let _permit = HASHING.acquire().await.ok();
    tokio::task::spawn_blocking(work).await
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[test]
    fn new_passwords_follow_the_rules() {
        assert!(Password::parse("abcdefghij").is_ok());
        assert_eq!(Password::parse("abcdefghi").unwrap_err().field, "password");
        assert!(Password::parse(&"ab".repeat(64)).is_ok());
        assert!(Password::parse(&format!("{}c", "ab".repeat(64))).is_err());
        assert!(Password::parse("éàéàéàéàéà").is_ok());
        assert!(Password::parse("aaaaaaaaaaaa").is_err());
        let login = Password::parse("Alex@Example.com")
            .unwrap()
            .differs_from("alex@example.com", "the e-mail address")
            .unwrap_err();
        assert!(login.to_string().contains("the e-mail address"), "{login}");
        assert!(
            Password::parse("correct horse battery")
                .unwrap()
                .differs_from("", "the login")
                .is_ok()
        );
    }

    #[test]
    fn hashes_are_argon2id_with_the_chosen_parameters_and_a_fresh_salt() {
        let pw = Password::parse("correct horse battery").unwrap();
        let (first, second) = (hash(&pw).unwrap(), hash(&pw).unwrap());
        assert_ne!(first, second, "a fresh salt each time");
        let prefix = "$argon2id$v=19$m=19456,t=2,p=1$";
        assert!(first.starts_with(prefix), "{first}");
        assert!(verify("correct horse battery", &first));
        assert!(!verify("correct horse batterY", &first));
        assert!(!verify("correct horse battery", "not a hash"));
        assert!(DUMMY_HASH.starts_with(prefix));
        assert!(!verify("correct horse battery", DUMMY_HASH));
    }

    #[tokio::test]
    async fn at_most_a_few_hashes_run_at_once() {
        let (running, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let tasks: Vec<_> = (0..12)
            .map(|_| {
                let (running, most) = (running.clone(), most.clone());
                tokio::spawn(off_runtime(move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(30));
                    running.fetch_sub(1, Ordering::SeqCst);
                }))
            })
            .collect();
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        let most = most.load(Ordering::SeqCst);
        assert!((2..=MAX_HASHING).contains(&most), "{most} at once");
    }
}
