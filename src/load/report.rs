//! The final report of a run: settings, totals, latency per journey and per step, errors
//! by kind; JSON through serde, text through [`Report::render`].

use std::collections::BTreeMap;

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

/// Latency summary of one histogram, in milliseconds.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Latency {
    /// Samples in the histogram.
    pub count: u64,
    /// Median.
    pub p50_ms: f64,
    /// 95th percentile.
    pub p95_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// Largest sample.
    pub max_ms: f64,
    /// Mean.
    pub mean_ms: f64,
}

impl Latency {
    /// The summary of `h` (microseconds).
    pub(super) fn of(h: &Histogram<u64>) -> Self {
        let ms = |us: u64| us as f64 / 1000.0;
        if h.is_empty() {
            return Self::default();
        }
        Self {
            count: h.len(),
            p50_ms: ms(h.value_at_quantile(0.50)),
            p95_ms: ms(h.value_at_quantile(0.95)),
            p99_ms: ms(h.value_at_quantile(0.99)),
            max_ms: ms(h.max()),
            mean_ms: h.mean().round() / 1000.0,
        }
    }
}

/// The settings and outcome of the run as a whole.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RunFacts {
    /// This run's ID (in the customers' e-mail addresses).
    pub run_id: String,
    /// Gateway base URL.
    pub gateway: String,
    /// Users started per second.
    pub rate: f64,
    /// Journey weights.
    pub mix: BTreeMap<String, u32>,
    /// The in-flight bound.
    pub max_in_flight: usize,
    /// Customers registered before the clock started and shared by the users.
    pub customers: usize,
    /// Whether checkouts and anonymous orders were cancelled at the end.
    pub return_stock: bool,
    /// `duration` or `count`: what ended the schedule.
    pub stopped_by: String,
    /// Users the schedule started or dropped.
    pub scheduled: u64,
    /// From the first scheduled start to the end of the schedule, seconds.
    pub schedule_s: f64,
    /// From the end of the schedule until the last user finished (or the grace period
    /// ran out), seconds.
    pub drain_s: f64,
}

/// Totals over every journey.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Users {
    /// Started.
    pub started: u64,
    /// Completed without error.
    pub completed: u64,
    /// Stopped at a failed step.
    pub failed: u64,
    /// Not started (in-flight bound).
    pub dropped: u64,
    /// Still in flight when the grace period ran out.
    pub unfinished: u64,
}

/// One journey's users and latency (completed journeys, from the scheduled start).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct JourneyReport {
    /// Journey name.
    pub journey: String,
    /// Users started.
    pub started: u64,
    /// Completed without error.
    pub completed: u64,
    /// Stopped at a failed step.
    pub failed: u64,
    /// Not started (in-flight bound).
    pub dropped: u64,
    /// Still in flight when the grace period ran out.
    pub unfinished: u64,
    /// Whole-journey latency.
    pub latency: Latency,
}

/// One step's latency (successful steps only).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StepReport {
    /// Journey name.
    pub journey: String,
    /// Step name.
    pub step: String,
    /// The histogram's summary.
    pub latency: Latency,
}

/// Errors of one kind at one step.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ErrorReport {
    /// Journey name.
    pub journey: String,
    /// Step name (`start` for dropped users, `end` for unfinished ones).
    pub step: String,
    /// [`ErrorKind::label`].
    pub kind: String,
    /// How often.
    pub count: u64,
    /// The first one's detail.
    pub example: String,
}

/// Steps tried again.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RetryReport {
    /// Journey name.
    pub journey: String,
    /// Step name.
    pub step: String,
    /// Why.
    pub reason: String,
    /// How often.
    pub count: u64,
}

/// The final report of `tandem load`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Report {
    /// Settings and timing of the run.
    pub run: RunFacts,
    /// Totals.
    pub users: Users,
    /// Per journey.
    pub journeys: Vec<JourneyReport>,
    /// Per step, in walking order.
    pub steps: Vec<StepReport>,
    /// Errors by journey, step and kind.
    pub errors: Vec<ErrorReport>,
    /// Steps tried again (not errors).
    pub retries: Vec<RetryReport>,
}
