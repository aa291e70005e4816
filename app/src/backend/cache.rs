//! Small in-process caches for the hottest reads of the API: who a bearer token belongs to, the
//! ticket counters of a scope and pages of ticket lists. Each entry remembers the generation it was read at;
//! every local write that could change it bumps the generation (so this instance never serves
//! a stale value after its own writes), and entries expire after [`TTL`] at the latest (so
//! another instance's writes show within that time). Keys include the database's identity, so
//! two applications in one process (tests) never share entries.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The longest an entry is trusted without a local write invalidating it.
pub const TTL: Duration = Duration::from_secs(2);
/// Entries kept before the cache starts over (a bound on memory, not a tuning knob).
const MAX_ENTRIES: usize = 50_000;

static ENABLED: AtomicBool = AtomicBool::new(true);
static IDENTITIES: AtomicU64 = AtomicU64::new(0);
static TICKETS: AtomicU64 = AtomicU64::new(0);

/// Turns every cache of the process on or off (`CHAMADO_READ_CACHE`); off, each read goes to
/// the database.
pub fn set_enabled(enabled: bool) {
    ENABLED.store(enabled, Ordering::Release);
}

/// Accounts, organizations or tokens changed: cached identities are stale.
pub fn identities_changed() {
    IDENTITIES.fetch_add(1, Ordering::AcqRel);
    // Ticket pages show names of people, organizations and departments.
    TICKETS.fetch_add(1, Ordering::AcqRel);
}

/// Tickets changed (committed here, or seen by the event pump from another instance).
pub fn tickets_changed() {
    TICKETS.fetch_add(1, Ordering::AcqRel);
}

/// Which generation counter an entry depends on.
#[derive(Debug, Clone, Copy)]
pub enum Depends {
    Identities,
    Tickets,
}

impl Depends {
    fn current(self) -> u64 {
        match self {
            Depends::Identities => IDENTITIES.load(Ordering::Acquire),
            Depends::Tickets => TICKETS.load(Ordering::Acquire),
        }
    }
}

pub struct Cache<K, V> {
    depends: Depends,
    max_entries: usize,
    entries: Mutex<HashMap<K, (V, Instant, u64)>>,
}

impl<K: Eq + Hash, V: Clone> Cache<K, V> {
    pub fn new(depends: Depends) -> Self {
        Self::with_max_entries(depends, MAX_ENTRIES)
    }

    /// A cache of large values: at most `max_entries` are kept.
    pub fn with_max_entries(depends: Depends, max_entries: usize) -> Self {
        Self {
            depends,
            max_entries,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The value, if it was read at the current generation less than [`TTL`] ago; with its
    /// generation, to hand back to [`Cache::put`].
    pub fn get(&self, key: &K) -> (Option<V>, u64) {
        let generation = self.depends.current();
        if !ENABLED.load(Ordering::Acquire) {
            return (None, generation);
        }
        let hit = self.entries.lock().ok().and_then(|entries| {
            entries
                .get(key)
                .filter(|(_, at, g)| *g == generation && at.elapsed() < TTL)
                .map(|(v, _, _)| v.clone())
        });
        (hit, generation)
    }

    /// Stores a value read at `generation` (from [`Cache::get`], taken before the read: a write
    /// that happened meanwhile makes the entry stale at once).
    pub fn put(&self, key: K, value: V, generation: u64) {
        if !ENABLED.load(Ordering::Acquire) {
            return;
        }
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= self.max_entries {
                entries.clear();
            }
            entries.insert(key, (value, Instant::now(), generation));
        }
    }
}

/// A process-wide cache, created on first use.
pub fn global<K: Eq + Hash + Send + 'static, V: Clone + Send + 'static>(
    cell: &'static OnceLock<Cache<K, V>>,
    depends: Depends,
) -> &'static Cache<K, V> {
    cell.get_or_init(|| Cache::new(depends))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_makes_entries_read_before_it_stale() {
        let cache: Cache<&str, i32> = Cache::new(Depends::Identities);
        let (miss, generation) = cache.get(&"a");
        assert_eq!(miss, None);
        cache.put("a", 1, generation);
        assert_eq!(cache.get(&"a").0, Some(1));
        identities_changed();
        assert_eq!(cache.get(&"a").0, None);
        // A value read before a write and stored after it is already stale.
        let (_, before) = cache.get(&"b");
        identities_changed();
        cache.put("b", 2, before);
        assert_eq!(cache.get(&"b").0, None);
    }
}
