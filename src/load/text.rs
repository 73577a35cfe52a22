//! The report as text: settings, totals, a latency table of journeys and their steps,
//! errors and retries.

use std::fmt::Write as _;

use super::report::{Latency, Report};

impl Report {
    /// The report as a few lines of text (what `tandem load` prints on stdout).
    pub fn render(&self) -> String {
        let (run, users) = (&self.run, &self.users);
        let mut out = String::new();
        let mix: Vec<String> = (self.journeys.iter())
            .map(|j| format!("{}={}", j.journey, run.mix.get(&j.journey).unwrap_or(&0)))
            .collect();
        let _ = writeln!(
            out,
            "tandem load: run {} against {}\n\
             rate {}/s, mix {}, {} customers, at most {} in flight{}\n\
             schedule ended by {} after {:.1} s ({} users); the last finished {:.1} s later\n\
             users: {} started, {} completed, {} failed, {} dropped, {} unfinished\n",
            run.run_id,
            run.gateway,
            run.rate,
            mix.join(","),
            run.customers,
            run.max_in_flight,
            if run.return_stock {
                ", stock returned"
            } else {
                ""
            },
            run.stopped_by,
            run.schedule_s,
            run.scheduled,
            run.drain_s,
            users.started,
            users.completed,
            users.failed,
            users.dropped,
            users.unfinished,
        );
        let _ = writeln!(
            out,
            "{:<38} {:>7} {:>6} {:>9} {:>9} {:>9} {:>9}",
            "ms (journey: from its scheduled start)", "ok", "errors", "p50", "p95", "p99", "max"
        );
        for journey in &self.journeys {
            if journey.started + journey.dropped == 0 {
                continue;
            }
            let failed = journey.failed + journey.dropped + journey.unfinished;
            row(&mut out, &journey.journey, failed, &journey.latency);
            for step in self.steps.iter().filter(|s| s.journey == journey.journey) {
                let failed = (self.errors.iter())
                    .filter(|e| e.journey == step.journey && e.step == step.step)
                    .map(|e| e.count)
                    .sum();
                row(&mut out, &format!("  {}", step.step), failed, &step.latency);
            }
        }
        if !self.errors.is_empty() {
            let _ = writeln!(out, "\nerrors");
            for e in &self.errors {
                let _ = writeln!(
                    out,
                    "  {}.{} {}: {} (first: {})",
                    e.journey, e.step, e.kind, e.count, e.example
                );
            }
        }
        if !self.retries.is_empty() {
            let _ = writeln!(out, "\nretried (not errors)");
            for r in &self.retries {
                let _ = writeln!(out, "  {}.{} {}: {}", r.journey, r.step, r.reason, r.count);
            }
        }
        out
    }
}

fn row(out: &mut String, name: &str, failed: u64, l: &Latency) {
    let _ = writeln!(
        out,
        "{name:<38} {:>7} {failed:>6} {:>9.1} {:>9.1} {:>9.1} {:>9.1}",
        l.count, l.p50_ms, l.p95_ms, l.p99_ms, l.max_ms
    );
}
