//! Password hashing off the async runtime, a few at a time.

/// Password hashes computed at once. Each argon2id hash holds 19 MiB for its duration, so
/// a burst of registrations or logins would otherwise take memory without bound.
const MAX_HASHING: usize = 4;

/// Permits for [`MAX_HASHING`] hashes at a time.
static HASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(MAX_HASHING);

/// Runs CPU-heavy password work off the async runtime, at most [`MAX_HASHING`] at once
/// (the rest wait their turn).
pub(super) async fn hashing<T: Send + 'static>(
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

    #[tokio::test]
    async fn at_most_a_few_hashes_run_at_once() {
        let (running, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let tasks: Vec<_> = (0..12)
            .map(|_| {
                let (running, most) = (running.clone(), most.clone());
                tokio::spawn(super::hashing(move || {
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
        assert!((2..=super::MAX_HASHING).contains(&most), "{most} at once");
    }
}
