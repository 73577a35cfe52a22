//! A time-limited snapshot of data that is read far more often than it changes
//! (catalogues), so hot read paths do not hit the database on every call.

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// The last loaded value of `T` and when it was loaded; reloaded once older than `ttl`.
pub struct Snapshot<T> {
    /// How long a loaded value is served before the next read reloads it.
    ttl: Duration,
    /// The current value; a std lock because it is never held across an await.
    current: RwLock<Option<(Instant, Arc<T>)>>,
    /// Serialises reloads so a burst of readers triggers one load, not one each.
    reload: tokio::sync::Mutex<()>,
}

impl<T> Snapshot<T> {
    /// An empty snapshot whose values live for `ttl`.
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            current: RwLock::new(None),
            reload: tokio::sync::Mutex::new(()),
        }
    }

    /// The current value, loading it with `load` when missing or stale.
    pub async fn get_or_load<F, Fut, E>(&self, load: F) -> Result<Arc<T>, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        if let Some(value) = self.fresh() {
            return Ok(value);
        }
        let _reloading = self.reload.lock().await;
        if let Some(value) = self.fresh() {
            return Ok(value);
        }
        let value = Arc::new(load().await?);
        *self.current.write().unwrap_or_else(|e| e.into_inner()) =
            Some((Instant::now(), value.clone()));
        Ok(value)
    }

    /// Forgets the current value so the next read reloads it.
    pub fn invalidate(&self) {
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = None;
    }

    fn fresh(&self) -> Option<Arc<T>> {
        let guard = self.current.read().unwrap_or_else(|e| e.into_inner());
        match &*guard {
            Some((at, value)) if at.elapsed() < self.ttl => Some(value.clone()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[tokio::test]
    async fn loads_once_while_fresh_and_again_after_invalidate() {
        let loads = AtomicU32::new(0);
        let snap = Snapshot::new(Duration::from_secs(60));
        let load = || async { Ok::<_, ()>(loads.fetch_add(1, Ordering::SeqCst) + 1) };
        assert_eq!(*snap.get_or_load(load).await.unwrap(), 1);
        assert_eq!(*snap.get_or_load(load).await.unwrap(), 1);
        snap.invalidate();
        assert_eq!(*snap.get_or_load(load).await.unwrap(), 2);
    }

    #[tokio::test]
    async fn a_failed_load_is_not_cached() {
        let snap: Snapshot<u32> = Snapshot::new(Duration::from_secs(60));
        assert!(snap.get_or_load(|| async { Err("down") }).await.is_err());
        assert_eq!(
            *snap.get_or_load(|| async { Ok::<_, ()>(7) }).await.unwrap(),
            7
        );
    }

    #[tokio::test]
    async fn reloads_when_stale() {
        let snap = Snapshot::new(Duration::ZERO);
        assert_eq!(
            *snap.get_or_load(|| async { Ok::<_, ()>(1) }).await.unwrap(),
            1
        );
        assert_eq!(
            *snap.get_or_load(|| async { Ok::<_, ()>(2) }).await.unwrap(),
            2
        );
    }
}

/// Recent answers by key, each served for `ttl` after it was stored; at most `capacity`
/// keys (stale ones are dropped first, then everything when all are fresh).
pub struct Recent<K, V> {
    /// How long a stored answer is served.
    ttl: Duration,
    /// Most keys kept.
    capacity: usize,
    /// Answers with the time they were stored.
    entries: std::sync::Mutex<std::collections::HashMap<K, (Instant, Arc<V>)>>,
}

impl<K: std::hash::Hash + Eq, V> Recent<K, V> {
    /// An empty cache.
    pub fn new(ttl: Duration, capacity: usize) -> Self {
        Self {
            ttl,
            capacity,
            entries: Default::default(),
        }
    }

    /// The answer stored for `key`, if still fresh.
    pub fn get(&self, key: &K) -> Option<Arc<V>> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(key)
            .filter(|(at, _)| at.elapsed() < self.ttl)
            .map(|(_, v)| v.clone())
    }

    /// Forgets `key` (its answer changed or ended).
    pub fn remove(&self, key: &K) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.remove(key);
    }

    /// Forgets every key (what they answer changed).
    pub fn clear(&self) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.clear();
    }

    /// Stores `value` for `key`.
    pub fn insert(&self, key: K, value: V) -> Arc<V> {
        let value = Arc::new(value);
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= self.capacity {
            entries.retain(|_, (at, _)| at.elapsed() < self.ttl);
            if entries.len() >= self.capacity {
                entries.clear();
            }
        }
        entries.insert(key, (Instant::now(), value.clone()));
        value
    }
}

#[cfg(test)]
mod recent_tests {
    use super::*;

    #[test]
    fn serves_fresh_answers_and_stays_bounded() {
        let cache = Recent::new(Duration::from_secs(60), 2);
        cache.insert("a", 1);
        cache.insert("b", 2);
        assert_eq!(cache.get(&"a").as_deref(), Some(&1));
        cache.insert("c", 3); // full of fresh entries: starts over
        assert_eq!(cache.get(&"a"), None);
        assert_eq!(cache.get(&"c").as_deref(), Some(&3));

        let stale = Recent::new(Duration::ZERO, 8);
        stale.insert("a", 1);
        assert_eq!(stale.get(&"a"), None);

        cache.clear();
        assert_eq!(cache.get(&"c"), None);
    }
}
