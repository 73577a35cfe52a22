//! Buy-back staff passwords: the mesh's rules and argon2id hashing
//! ([`tandem_mesh::password`]), the same as the sales desk's logins.

pub use tandem_mesh::password::{DUMMY_HASH, PASSWORD_CHARS, Password, hash, verify};
