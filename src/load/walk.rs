//! One simulated user walking a journey: each step is a request whose latency is
//! recorded when its answer is what the next step needs, and whose failure ends the
//! journey with the error counted by kind.

use std::time::Instant;

use reqwest::Method;
use serde_json::Value;

use super::client::Customer;
use super::mix::Journey;
use super::record::{ErrorKind, Failure, Recorder, classify};

/// What every user of a run shares.
pub struct Shared {
    /// Where the measurements go.
    pub recorder: Recorder,
    /// The customers registered before the clock started; user `k` acts as customer
    /// `k % len`.
    pub customers: Vec<Customer>,
    /// Whether journeys that buy end by cancelling (stock back, money refunded).
    pub return_stock: bool,
    /// This run's ID (idempotency keys).
    pub run_id: String,
}

/// A request of a step.
pub struct Request {
    method: Method,
    path: String,
    body: Option<Value>,
}

/// `GET path`.
pub fn get(path: impl Into<String>) -> Request {
    Request {
        method: Method::GET,
        path: path.into(),
        body: None,
    }
}

/// `POST path` with a JSON body.
pub fn post(path: impl Into<String>, body: Value) -> Request {
    Request {
        method: Method::POST,
        path: path.into(),
        body: Some(body),
    }
}

/// `PUT path` with a JSON body.
pub fn put(path: impl Into<String>, body: Value) -> Request {
    Request {
        method: Method::PUT,
        path: path.into(),
        body: Some(body),
    }
}

/// The journey ended at a failed step (already recorded).
#[derive(Debug)]
pub struct Stopped;

/// A user on its way through one journey.
pub struct Walk<'a> {
    /// The run's shared state.
    pub shared: &'a Shared,
    /// The customer this user acts as.
    pub customer: &'a Customer,
    /// The user's number in the run (varies the choices it makes).
    pub k: u64,
    /// The journey walked.
    pub journey: Journey,
    /// When the current step was due: the user's scheduled start for the first step (so
    /// any lag in starting it is measured, not hidden), then the end of the previous one.
    mark: Instant,
}

impl<'a> Walk<'a> {
    /// User `k` of `shared` walking `journey`, due at `scheduled`.
    pub fn new(shared: &'a Shared, journey: Journey, k: u64, scheduled: Instant) -> Self {
        let customer = &shared.customers[(k % shared.customers.len() as u64) as usize];
        Self {
            shared,
            customer,
            k,
            journey,
            mark: scheduled,
        }
    }

    /// Sends `request` as step `step`; expects status `expected` and a body `extract`
    /// finds what it needs in. The latency is recorded on success; the failure returned
    /// otherwise (not recorded: see [`Walk::step`]).
    pub async fn try_step<T>(
        &mut self,
        step: &'static str,
        request: Request,
        expected: u16,
        extract: impl FnOnce(&Value) -> Option<T>,
    ) -> Result<T, Failure> {
        let outcome = (self.customer)
            .send(request.method, &request.path, request.body.as_ref())
            .await;
        let answer = classify(outcome, expected)?;
        let Some(found) = extract(&answer.body) else {
            let body: String = answer.body.to_string().chars().take(160).collect();
            return Err(Failure {
                kind: ErrorKind::Unexpected,
                status: Some(answer.status),
                detail: format!(
                    "HTTP {} lacking what the next step needs: {body}",
                    answer.status
                ),
            });
        };
        let now = Instant::now();
        (self.shared.recorder).step(self.journey, step, now.saturating_duration_since(self.mark));
        self.mark = now;
        Ok(found)
    }

    /// [`Walk::try_step`], its failure recorded as the end of the journey.
    pub async fn step<T>(
        &mut self,
        step: &'static str,
        request: Request,
        expected: u16,
        extract: impl FnOnce(&Value) -> Option<T>,
    ) -> Result<T, Stopped> {
        let outcome = self.try_step(step, request, expected, extract).await;
        outcome.map_err(|failure| self.stop(step, failure))
    }

    /// Records `failure` at `step` as the end of the journey.
    pub fn stop(&self, step: &'static str, failure: Failure) -> Stopped {
        self.shared.recorder.failed(self.journey, step, failure);
        Stopped
    }

    /// A choice among `len` options for this user, varied by `salt`: users spread over
    /// the options instead of all taking the first.
    pub fn pick(&self, salt: u64, len: usize) -> usize {
        spread(self.k, salt, len as u64) as usize
    }

    /// A choice among options weighted by `weights` (e.g. the stock left, so that users
    /// rarely race for the last unit of a rare item).
    pub fn pick_weighted(&self, salt: u64, weights: &[u64]) -> usize {
        weighted(self.k, salt, weights)
    }
}

/// A number below `len` (0 when `len` is 0) for user `k` and `salt`, neighbouring users
/// far apart (SplitMix64's finaliser).
fn spread(k: u64, salt: u64, len: u64) -> u64 {
    let mut z = (k ^ salt.rotate_left(32)).wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    (z ^ (z >> 31)) % len.max(1)
}

/// The index of user `k`'s choice among `weights`: each in proportion to its weight;
/// the first when all weigh 0.
fn weighted(k: u64, salt: u64, weights: &[u64]) -> usize {
    let mut r = spread(k, salt, weights.iter().sum());
    for (i, w) in weights.iter().enumerate() {
        if r < *w {
            return i;
        }
        r -= w;
    }
    0
}

/// The string at JSON pointer `pointer`.
pub fn text(pointer: &'static str) -> impl FnOnce(&Value) -> Option<String> {
    move |body| body.pointer(pointer)?.as_str().map(str::to_owned)
}

/// `Some(())` when the string at `pointer` is `value`.
pub fn is(pointer: &'static str, value: &'static str) -> impl FnOnce(&Value) -> Option<()> {
    move |body| (body.pointer(pointer)?.as_str()? == value).then_some(())
}

/// `s` as one URL path segment or query value (everything but unreserved characters
/// percent-encoded).
pub fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_follow_the_weights_and_skip_what_weighs_nothing() {
        let mut counts = [0u32; 3];
        for k in 0..3000 {
            counts[weighted(k, 1, &[0, 100, 200])] += 1;
        }
        assert_eq!(counts[0], 0);
        assert!(counts[2] > counts[1] * 3 / 2, "{counts:?}");
        assert_eq!(weighted(7, 1, &[0, 0]), 0);
        assert!((0..50).all(|k| spread(k, 9, 4) < 4));
        assert_eq!(spread(5, 9, 0), 0);
    }

    #[test]
    fn path_segments_are_percent_encoded() {
        assert_eq!(encode("RL-2 Duo"), "RL-2%20Duo");
        assert_eq!(encode("a/b?c=d&e"), "a%2Fb%3Fc%3Dd%26e");
        assert_eq!(encode("T.Box_1~"), "T.Box_1~");
    }
}
