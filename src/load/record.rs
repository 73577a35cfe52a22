//! What the users measure while a run goes on: an HDR histogram per step and per
//! journey, errors by step and kind, and the counters of the progress line.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use hdrhistogram::Histogram;

use super::client::Answer;
use super::mix::Journey;
use super::report::{
    ErrorReport, JourneyReport, Latency, Report, RetryReport, RunFacts, StepReport, Users,
};

/// Why a step or a user failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ErrorKind {
    /// The gateway answered 4xx (other than expected).
    Http4xx,
    /// The gateway answered 5xx (503 includes its own request timeout).
    Http5xx,
    /// Any other status than the one expected (1xx, 2xx, 3xx).
    HttpOther,
    /// No answer within the client's timeout.
    Timeout,
    /// No connection to the gateway.
    Connect,
    /// The connection broke otherwise (reset, malformed answer).
    Transport,
    /// The expected status, but the body lacks what the next step needs.
    Unexpected,
    /// Not started: as many users were in flight as `--max-in-flight` allows.
    Dropped,
    /// Still in flight when the grace period after the run ended.
    Unfinished,
}

impl ErrorKind {
    /// The kind's name in reports.
    pub fn label(self) -> &'static str {
        match self {
            ErrorKind::Http4xx => "HTTP 4xx",
            ErrorKind::Http5xx => "HTTP 5xx",
            ErrorKind::HttpOther => "HTTP other",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Connect => "connect",
            ErrorKind::Transport => "transport",
            ErrorKind::Unexpected => "unexpected answer",
            ErrorKind::Dropped => "dropped (max in flight)",
            ErrorKind::Unfinished => "unfinished at the end",
        }
    }
}

/// A failed step: its kind and what happened, for the report's example.
#[derive(Debug)]
pub struct Failure {
    /// The kind.
    pub kind: ErrorKind,
    /// The HTTP status, when there was an answer.
    pub status: Option<u16>,
    /// Status and problem detail, or the transport error.
    pub detail: String,
}

/// Whether a request's outcome is the `expected` status; otherwise why not.
pub fn classify(outcome: Result<Answer, reqwest::Error>, expected: u16) -> Result<Answer, Failure> {
    let answer = match outcome {
        Ok(answer) => answer,
        Err(err) => {
            let kind = if err.is_timeout() {
                ErrorKind::Timeout
            } else if err.is_connect() {
                ErrorKind::Connect
            } else {
                ErrorKind::Transport
            };
            let detail =
                std::iter::successors(Some(&err as &dyn std::error::Error), |e| e.source())
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(": ");
            return Err(Failure {
                kind,
                status: None,
                detail,
            });
        }
    };
    if answer.status == expected {
        return Ok(answer);
    }
    let kind = match answer.status {
        400..=499 => ErrorKind::Http4xx,
        500..=599 => ErrorKind::Http5xx,
        _ => ErrorKind::HttpOther,
    };
    let detail = answer.body["detail"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| answer.body.to_string());
    let detail: String = detail.chars().take(160).collect();
    Err(Failure {
        kind,
        status: Some(answer.status),
        detail: format!("HTTP {}: {detail}", answer.status),
    })
}

/// 1 µs to 1 hour at 3 significant digits.
pub(super) fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 3_600_000_000, 3).expect("valid histogram bounds")
}

/// Counters the progress line reads without a lock.
#[derive(Debug, Default)]
pub struct Counters {
    /// Users started.
    pub started: AtomicU64,
    /// Users whose journey completed without error.
    pub completed: AtomicU64,
    /// Users whose journey stopped at a failed step.
    pub failed: AtomicU64,
    /// Users not started because of `--max-in-flight`.
    pub dropped: AtomicU64,
}

impl Counters {
    /// Users started and not yet completed or failed.
    pub fn in_flight(&self) -> u64 {
        let done = self.completed.load(Ordering::Relaxed) + self.failed.load(Ordering::Relaxed);
        self.started.load(Ordering::Relaxed).saturating_sub(done)
    }
}

/// Per journey: users and the latency of completed journeys.
struct JourneyTally {
    started: u64,
    completed: u64,
    failed: u64,
    dropped: u64,
    latency: Histogram<u64>,
}

/// Everything recorded under the lock.
#[derive(Default)]
struct Tally {
    journeys: HashMap<Journey, JourneyTally>,
    steps: HashMap<(Journey, &'static str), Histogram<u64>>,
    /// (journey, step, kind) → (count, first detail).
    errors: BTreeMap<(Journey, &'static str, ErrorKind), (u64, String)>,
    /// (journey, step, reason) → count.
    retries: BTreeMap<(Journey, &'static str, &'static str), u64>,
}

/// Collects what the users measure; shared by all of them.
#[derive(Default)]
pub struct Recorder {
    /// Lock-free totals for the progress line.
    pub counters: Counters,
    tally: Mutex<Tally>,
}

impl Recorder {
    fn with<R>(&self, f: impl FnOnce(&mut Tally) -> R) -> R {
        let mut tally = self.tally.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut tally)
    }

    fn journey(tally: &mut Tally, journey: Journey) -> &mut JourneyTally {
        tally
            .journeys
            .entry(journey)
            .or_insert_with(|| JourneyTally {
                started: 0,
                completed: 0,
                failed: 0,
                dropped: 0,
                latency: histogram(),
            })
    }

    /// A user started `journey`.
    pub fn started(&self, journey: Journey) {
        self.counters.started.fetch_add(1, Ordering::Relaxed);
        self.with(|t| Self::journey(t, journey).started += 1);
    }

    /// A user of `journey` was not started because of the in-flight bound.
    pub fn dropped(&self, journey: Journey) {
        self.counters.dropped.fetch_add(1, Ordering::Relaxed);
        self.with(|t| {
            Self::journey(t, journey).dropped += 1;
            let entry = t.errors.entry((journey, "start", ErrorKind::Dropped));
            entry.or_insert((0, "not started".into())).0 += 1;
        });
    }

    /// A step succeeded after `latency`.
    pub fn step(&self, journey: Journey, step: &'static str, latency: Duration) {
        self.with(|t| {
            let h = t.steps.entry((journey, step)).or_insert_with(histogram);
            h.saturating_record(latency.as_micros().max(1) as u64);
        });
    }

    /// A step failed: the user's journey ends there.
    pub fn failed(&self, journey: Journey, step: &'static str, failure: Failure) {
        self.counters.failed.fetch_add(1, Ordering::Relaxed);
        self.with(|t| {
            Self::journey(t, journey).failed += 1;
            let entry = t.errors.entry((journey, step, failure.kind));
            entry.or_insert((0, failure.detail)).0 += 1;
        });
    }

    /// A step was tried again for `reason` (e.g. a slot taken meanwhile by another user).
    pub fn retried(&self, journey: Journey, step: &'static str, reason: &'static str) {
        self.with(|t| *t.retries.entry((journey, step, reason)).or_default() += 1);
    }

    /// A user completed `journey`, `latency` after its scheduled start.
    pub fn completed(&self, journey: Journey, latency: Duration) {
        self.counters.completed.fetch_add(1, Ordering::Relaxed);
        self.with(|t| {
            let j = Self::journey(t, journey);
            j.completed += 1;
            j.latency
                .saturating_record(latency.as_micros().max(1) as u64);
        });
    }

    /// The report, with the steps of `journeys` in walking order.
    pub fn report(&self, run: RunFacts, journeys: &[Journey]) -> Report {
        self.with(|t| {
            let mut report = Report {
                users: Users::default(),
                journeys: Vec::new(),
                steps: Vec::new(),
                errors: Vec::new(),
                retries: Vec::new(),
                run,
            };
            for &journey in journeys {
                let j = Self::journey(t, journey);
                let unfinished = j.started.saturating_sub(j.completed + j.failed);
                report.users.started += j.started;
                report.users.completed += j.completed;
                report.users.failed += j.failed;
                report.users.dropped += j.dropped;
                report.users.unfinished += unfinished;
                report.journeys.push(JourneyReport {
                    journey: journey.to_string(),
                    started: j.started,
                    completed: j.completed,
                    failed: j.failed,
                    dropped: j.dropped,
                    unfinished,
                    latency: Latency::of(&j.latency),
                });
                if unfinished > 0 {
                    let detail = format!("{unfinished} still in flight after the grace period");
                    t.errors.insert(
                        (journey, "end", ErrorKind::Unfinished),
                        (unfinished, detail),
                    );
                }
                for step in journey.steps(report.run.return_stock) {
                    let h = t.steps.entry((journey, step)).or_insert_with(histogram);
                    report.steps.push(StepReport {
                        journey: journey.to_string(),
                        step: step.to_owned(),
                        latency: Latency::of(h),
                    });
                }
            }
            // In walking order: not started, each step, unfinished.
            let return_stock = report.run.return_stock;
            let place = |journey: Journey, step: &str| {
                let steps = journey.steps(return_stock);
                let at = steps.iter().position(|s| *s == step).map(|i| i + 1);
                (
                    journey,
                    at.unwrap_or(if step == "start" { 0 } else { usize::MAX }),
                )
            };
            let mut errors: Vec<_> = t.errors.iter().collect();
            errors.sort_by_key(|((journey, step, kind), _)| (place(*journey, step), *kind));
            report.errors = (errors.into_iter())
                .map(|((journey, step, kind), (count, example))| ErrorReport {
                    journey: journey.to_string(),
                    step: (*step).to_owned(),
                    kind: kind.label().to_owned(),
                    count: *count,
                    example: example.clone(),
                })
                .collect();
            report.retries = (t.retries.iter())
                .map(|((journey, step, reason), count)| RetryReport {
                    journey: journey.to_string(),
                    step: (*step).to_owned(),
                    reason: (*reason).to_owned(),
                    count: *count,
                })
                .collect();
            report
        })
    }
}

#[cfg(test)]
#[path = "record_tests.rs"]
mod tests;
