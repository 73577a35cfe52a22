//! Password hashing off the async runtime, a few at a time ([`tandem_mesh::password`]).

pub(super) use tandem_mesh::password::off_runtime as hashing;
