//! The open-loop schedule: user `k` is due at `start + k / rate`, however slowly earlier
//! users are being answered, so a slow gateway shows as queueing and latency instead of
//! as fewer requests (a closed loop, where each caller waits for its answer before the
//! next request, would hide it). Users beyond the in-flight bound are dropped and
//! counted, never waited for. A progress line goes to stderr every second.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use tokio::task::JoinSet;

use super::journeys;
use super::mix::Journey;
use super::record::Counters;
use super::walk::Shared;

/// When user `k` (from 0) of a run started at `start` with `rate` users per second is
/// due.
pub fn scheduled_start(start: Instant, k: u64, rate: f64) -> Instant {
    start + Duration::from_secs_f64(k as f64 / rate)
}

/// How many users, how fast, for how long.
#[derive(Clone, Debug)]
pub struct Plan {
    /// Users started per second.
    pub rate: f64,
    /// Users are scheduled only within this time from the start (none: until `count`).
    pub duration: Option<Duration>,
    /// At most this many users are scheduled.
    pub count: Option<u64>,
    /// Users in flight at once; one more due is dropped.
    pub max_in_flight: usize,
    /// How long users still in flight after the schedule are waited for.
    pub grace: Duration,
    /// Whether to print the progress line.
    pub progress: bool,
}

/// How the schedule ended.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// `duration` or `count`.
    pub stopped_by: &'static str,
    /// Users due (started or dropped).
    pub scheduled: u64,
    /// From the start to the end of the schedule.
    pub schedule: Duration,
    /// From the end of the schedule until the last user finished or the grace ran out.
    pub drain: Duration,
}

/// Starts the users of `plan` on schedule, user `k` walking `cycle[k % len]`, then waits
/// up to the grace period for those in flight (the rest are abandoned and reported as
/// unfinished).
pub async fn run(shared: Arc<Shared>, cycle: &[Journey], plan: &Plan) -> Outcome {
    let start = Instant::now();
    let end = plan.duration.map(|d| start + d);
    let progress = plan
        .progress
        .then(|| tokio::spawn(progress(shared.clone(), start)));
    let mut users = JoinSet::new();
    let mut k = 0u64;
    let stopped_by = loop {
        if plan.count.is_some_and(|count| k >= count) {
            break "count";
        }
        let due = scheduled_start(start, k, plan.rate);
        if end.is_some_and(|end| due >= end) {
            break "duration";
        }
        tokio::time::sleep_until(due.into()).await;
        while users.try_join_next().is_some() {}
        let journey = cycle[(k % cycle.len() as u64) as usize];
        if users.len() >= plan.max_in_flight {
            shared.recorder.dropped(journey);
        } else {
            shared.recorder.started(journey);
            let shared = shared.clone();
            users.spawn(async move { journeys::walk(&shared, journey, k, due).await });
        }
        k += 1;
    };
    let schedule = start.elapsed();
    let drain = async { while users.join_next().await.is_some() {} };
    let _ = tokio::time::timeout(plan.grace, drain).await;
    users.abort_all();
    if let Some(progress) = progress {
        progress.abort();
    }
    Outcome {
        stopped_by,
        scheduled: k,
        schedule,
        drain: start.elapsed().saturating_sub(schedule),
    }
}

/// Prints a progress line every second until aborted.
async fn progress(shared: Arc<Shared>, start: Instant) {
    let mut tick = tokio::time::interval_at(
        (start + Duration::from_secs(1)).into(),
        Duration::from_secs(1),
    );
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last = (start, 0, 0);
    loop {
        let now = tick.tick().await.into_std();
        let line = progress_line(
            &shared.recorder.counters,
            now - start,
            now - last.0,
            last.1,
            last.2,
        );
        eprintln!("{line}");
        let c = &shared.recorder.counters;
        last = (
            now,
            c.started.load(Ordering::Relaxed),
            c.completed.load(Ordering::Relaxed),
        );
    }
}

/// `[  3.0 s] started 60 (20.0/s), completed 58 (19.0/s), in flight 2, errors 0 (dropped 0)`:
/// rates over the last `interval`, since `started_before` and `completed_before`.
fn progress_line(
    c: &Counters,
    elapsed: Duration,
    interval: Duration,
    started_before: u64,
    completed_before: u64,
) -> String {
    let started = c.started.load(Ordering::Relaxed);
    let completed = c.completed.load(Ordering::Relaxed);
    let dropped = c.dropped.load(Ordering::Relaxed);
    let errors = c.failed.load(Ordering::Relaxed) + dropped;
    let per_s = |n: u64| n as f64 / interval.as_secs_f64().max(1e-3);
    format!(
        "[{:>6.1} s] started {started} ({:.1}/s), completed {completed} ({:.1}/s), in flight {}, errors {errors} (dropped {dropped})",
        elapsed.as_secs_f64(),
        per_s(started.saturating_sub(started_before)),
        per_s(completed.saturating_sub(completed_before)),
        c.in_flight(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_k_is_due_k_over_rate_after_the_start() {
        let start = Instant::now();
        let ms = Duration::from_millis;
        // The last: spaced evenly whatever happened to the users before, no drift over a
        // long run.
        for (k, rate, after) in [
            (0, 20.0, ms(0)),
            (1, 20.0, ms(50)),
            (20, 20.0, ms(1000)),
            (3, 0.5, ms(6000)),
            (360_000, 100.0, ms(3_600_000)),
        ] {
            let due = scheduled_start(start, k, rate);
            assert_eq!(due, start + after, "user {k} at {rate}/s");
        }
    }

    #[test]
    fn the_progress_line_counts_errors_and_the_current_rates() {
        let c = Counters::default();
        c.started.store(60, Ordering::Relaxed);
        c.completed.store(50, Ordering::Relaxed);
        c.failed.store(2, Ordering::Relaxed);
        c.dropped.store(3, Ordering::Relaxed);
        let line = progress_line(&c, Duration::from_secs(3), Duration::from_secs(1), 40, 31);
        assert_eq!(
            line,
            "[   3.0 s] started 60 (20.0/s), completed 50 (19.0/s), in flight 8, errors 5 (dropped 3)"
        );
    }
}
