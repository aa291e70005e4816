//! Small in-memory caches for the hottest reads of the API: who a bearer token belongs to, the
//! ticket counters of a scope, pages of ticket lists, the limits in force. They belong to one
//! application (a field of its [`Db`](crate::backend::Db) handle), never to the process: two
//! applications in one process (tests, a benchmark) share nothing.
//!
//! Each entry remembers the generation it was read at; every local write that could change it
//! bumps the generation (so this instance never serves a stale value after its own writes), and
//! entries expire after [`TTL`] at the latest (so another instance's writes show within that
//! time).
//!
//! A service declares what it caches with a [`CacheKind`] (key, value, what it depends on) and
//! reads through [`Caches::get`] / [`Caches::put`]; this module knows none of those types.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The longest an entry is trusted without a local write invalidating it.
pub const TTL: Duration = Duration::from_secs(2);
/// How long a session read from the database is trusted in memory (its record, and who it
/// belongs to): a sign-out, deactivation or password change on another instance takes effect
/// here within this time; on this instance at once.
pub const SESSION_TTL: Duration = Duration::from_secs(1);
/// Entries kept before a cache starts over (a bound on memory, not a tuning knob).
const MAX_ENTRIES: usize = 50_000;

/// Which generation counter an entry depends on.
#[derive(Debug, Clone, Copy)]
pub enum Depends {
    /// Accounts, organizations, departments, tokens, settings.
    Identities,
    /// Tickets (and everything the first kind also invalidates).
    Tickets,
}

/// One kind of cached read, declared by the service that does it (a marker type).
pub trait CacheKind: 'static {
    type Key: Eq + Hash + Send + 'static;
    type Value: Clone + Send + 'static;
    const DEPENDS: Depends;
    /// Large values (a page of tickets) keep fewer entries.
    const MAX_ENTRIES: usize = MAX_ENTRIES;
    /// How long an entry is trusted without a local write invalidating it: how late, at most,
    /// another instance's writes show here.
    const TTL: Duration = TTL;
}

type Entries<K, V> = Mutex<HashMap<K, (V, Instant, u64)>>;

/// The read caches of one application. Cloning shares them.
#[derive(Clone)]
pub struct Caches {
    inner: Arc<Inner>,
}

struct Inner {
    enabled: bool,
    identities: AtomicU64,
    tickets: AtomicU64,
    /// Tells whoever holds access decided from an identity (open event streams) to decide again.
    identity_signal: tokio::sync::watch::Sender<u64>,
    /// One map of entries per [`CacheKind`], created on first use.
    kinds: Mutex<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>,
}

impl std::fmt::Debug for Caches {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Caches")
            .field("enabled", &self.inner.enabled)
            .field("identities", &self.inner.identities.load(Ordering::Relaxed))
            .field("tickets", &self.inner.tickets.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl Caches {
    /// Caches that are used when `enabled` (`CHAMADO_READ_CACHE`); off, every read goes to the
    /// database.
    pub fn new(enabled: bool) -> Self {
        Self {
            inner: Arc::new(Inner {
                enabled,
                identities: AtomicU64::new(0),
                tickets: AtomicU64::new(0),
                identity_signal: tokio::sync::watch::channel(0).0,
                kinds: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// Accounts, organizations or tokens changed: cached identities are stale.
    pub fn identities_changed(&self) {
        self.inner.identities.fetch_add(1, Ordering::AcqRel);
        // Ticket pages show names of people, organizations and departments.
        self.inner.tickets.fetch_add(1, Ordering::AcqRel);
        self.inner
            .identity_signal
            .send_modify(|n| *n = n.wrapping_add(1));
    }

    /// Changes each time accounts, organizations, sessions or tokens change on this instance
    /// (whether or not the caches are enabled).
    pub fn identity_changes(&self) -> tokio::sync::watch::Receiver<u64> {
        self.inner.identity_signal.subscribe()
    }

    /// Tickets changed (committed here, or seen by the event pump from another instance).
    pub fn tickets_changed(&self) {
        self.inner.tickets.fetch_add(1, Ordering::AcqRel);
    }

    fn generation(&self, depends: Depends) -> u64 {
        match depends {
            Depends::Identities => self.inner.identities.load(Ordering::Acquire),
            Depends::Tickets => self.inner.tickets.load(Ordering::Acquire),
        }
    }

    fn entries<K: CacheKind>(&self) -> Option<Arc<Entries<K::Key, K::Value>>> {
        let mut kinds = self.inner.kinds.lock().ok()?;
        let any = kinds
            .entry(TypeId::of::<K>())
            .or_insert_with(|| Arc::new(Entries::<K::Key, K::Value>::default()))
            .clone();
        any.downcast().ok()
    }

    /// The value, if it was read at the current generation less than [`TTL`] ago; with its
    /// generation, to hand back to [`Caches::put`].
    pub fn get<K: CacheKind>(&self, key: &K::Key) -> (Option<K::Value>, u64) {
        let generation = self.generation(K::DEPENDS);
        if !self.inner.enabled {
            return (None, generation);
        }
        let hit = self.entries::<K>().and_then(|store| {
            let entries = store.lock().ok()?;
            let hit = entries
                .get(key)
                .filter(|(_, at, g)| *g == generation && at.elapsed() < K::TTL)
                .map(|(v, _, _)| v.clone());
            hit
        });
        (hit, generation)
    }

    /// Drops one entry (the value it held is gone, as a deleted session).
    pub fn forget<K: CacheKind>(&self, key: &K::Key) {
        if let Some(store) = self.entries::<K>() {
            if let Ok(mut entries) = store.lock() {
                entries.remove(key);
            }
        }
    }

    /// Stores a value read at `generation` (from [`Caches::get`], taken before the read: a write
    /// that happened meanwhile makes the entry stale at once).
    pub fn put<K: CacheKind>(&self, key: K::Key, value: K::Value, generation: u64) {
        if !self.inner.enabled {
            return;
        }
        let Some(store) = self.entries::<K>() else {
            return;
        };
        if let Ok(mut entries) = store.lock() {
            if entries.len() >= K::MAX_ENTRIES {
                entries.clear();
            }
            entries.insert(key, (value, Instant::now(), generation));
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Names;
    impl CacheKind for Names {
        type Key = &'static str;
        type Value = i32;
        const DEPENDS: Depends = Depends::Identities;
    }

    struct Counts;
    impl CacheKind for Counts {
        type Key = &'static str;
        type Value = i32;
        const DEPENDS: Depends = Depends::Tickets;
        const MAX_ENTRIES: usize = 2;
    }

    #[test]
    fn a_write_makes_entries_read_before_it_stale() {
        let caches = Caches::new(true);
        let (miss, generation) = caches.get::<Names>(&"a");
        assert_eq!(miss, None);
        caches.put::<Names>("a", 1, generation);
        assert_eq!(caches.get::<Names>(&"a").0, Some(1));
        caches.identities_changed();
        assert_eq!(caches.get::<Names>(&"a").0, None);
        // A value read before a write and stored after it is already stale.
        let (_, before) = caches.get::<Names>(&"b");
        caches.identities_changed();
        caches.put::<Names>("b", 2, before);
        assert_eq!(caches.get::<Names>(&"b").0, None);
    }

    #[test]
    fn ticket_writes_leave_identities_cached_but_identity_writes_reach_tickets() {
        let caches = Caches::new(true);
        let (_, g) = caches.get::<Names>(&"a");
        caches.put::<Names>("a", 1, g);
        let (_, g) = caches.get::<Counts>(&"a");
        caches.put::<Counts>("a", 2, g);
        caches.tickets_changed();
        assert_eq!(caches.get::<Names>(&"a").0, Some(1));
        assert_eq!(caches.get::<Counts>(&"a").0, None);
        let (_, g) = caches.get::<Counts>(&"a");
        caches.put::<Counts>("a", 2, g);
        caches.identities_changed();
        assert_eq!(caches.get::<Counts>(&"a").0, None);
    }

    #[test]
    fn kinds_with_the_same_key_and_value_types_are_kept_apart() {
        let caches = Caches::new(true);
        caches.put::<Names>("a", 1, caches.get::<Names>(&"a").1);
        assert_eq!(caches.get::<Counts>(&"a").0, None);
    }

    #[test]
    fn two_applications_share_nothing_and_a_disabled_cache_keeps_nothing() {
        let one = Caches::new(true);
        let other = Caches::new(true);
        one.put::<Names>("a", 1, one.get::<Names>(&"a").1);
        assert_eq!(other.get::<Names>(&"a").0, None);
        let off = Caches::new(false);
        off.put::<Names>("a", 1, off.get::<Names>(&"a").1);
        assert_eq!(off.get::<Names>(&"a").0, None);
    }

    struct Brief;
    impl CacheKind for Brief {
        type Key = &'static str;
        type Value = i32;
        const DEPENDS: Depends = Depends::Identities;
        const TTL: Duration = Duration::from_millis(30);
    }

    #[test]
    fn an_entry_is_trusted_for_its_kinds_time_and_can_be_forgotten() {
        let caches = Caches::new(true);
        caches.put::<Brief>("a", 1, caches.get::<Brief>(&"a").1);
        caches.put::<Names>("a", 1, caches.get::<Names>(&"a").1);
        assert_eq!(caches.get::<Brief>(&"a").0, Some(1));
        std::thread::sleep(Duration::from_millis(40));
        assert_eq!(caches.get::<Brief>(&"a").0, None);
        assert_eq!(caches.get::<Names>(&"a").0, Some(1));
        caches.forget::<Names>(&"a");
        assert_eq!(caches.get::<Names>(&"a").0, None);
    }

    #[test]
    fn a_full_cache_starts_over() {
        let caches = Caches::new(true);
        for key in ["a", "b", "c"] {
            caches.put::<Counts>(key, 1, caches.get::<Counts>(&key).1);
        }
        assert_eq!(caches.get::<Counts>(&"a").0, None);
        assert_eq!(caches.get::<Counts>(&"c").0, Some(1));
    }
}
