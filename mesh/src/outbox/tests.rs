use std::time::Duration;

use super::*;

#[test]
fn backoff_doubles_up_to_the_cap_with_jitter_in_the_upper_half() {
    let base = Duration::from_secs(2);
    let max = Duration::from_secs(60);
    assert_eq!(backoff(1, base, max, 1.0), Duration::from_secs(2));
    assert_eq!(backoff(1, base, max, 0.0), Duration::from_secs(1));
    assert_eq!(backoff(3, base, max, 1.0), Duration::from_secs(8));
    assert_eq!(backoff(3, base, max, 0.5), Duration::from_secs(6));
    assert_eq!(backoff(10, base, max, 1.0), max);
    assert_eq!(backoff(u32::MAX, base, max, 0.0), max / 2);
    // Out-of-range jitter is clamped, never more than the delay.
    assert_eq!(backoff(2, base, max, 7.0), Duration::from_secs(4));
}

#[test]
fn grpc_refusals_are_permanent_and_outages_are_retried() {
    use tonic::Status;
    assert!(Failure::from_status(&Status::invalid_argument("bad")).permanent);
    assert!(Failure::from_status(&Status::not_found("gone")).permanent);
    assert!(!Failure::from_status(&Status::unavailable("down")).permanent);
    assert!(!Failure::from_status(&Status::deadline_exceeded("slow")).permanent);
    assert!(
        Failure::from_status(&Status::unavailable("down"))
            .reason
            .contains("down")
    );
}
