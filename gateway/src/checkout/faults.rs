//! Test-only fault hooks (cargo feature `fault-injection`, which production builds do
//! not enable): stop a checkout where a crashing gateway would, so that tests can show a
//! restarted gateway finishing or compensating it.

use super::State;

/// The faults a test gateway injects into its checkouts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Faults {
    /// Stop a checkout right after this state is recorded, as a crash would (it answers
    /// 503 and leaves the checkout to recovery).
    pub crash_after: Option<State>,
}
