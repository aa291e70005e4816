//! The live-event bus. Every change to a ticket records a typed event in the `events` table in
//! the same transaction (an outbox), so an event exists exactly when its change committed.
//! After the commit the service calls [`wake`]; each instance's pump ([`EventBus::run_pump`])
//! reads the new rows in id order and broadcasts them in process. `GET /api/v1/events` filters
//! the broadcast per viewer ([`StoredEvent::visible_to`]) and replays missed rows from the table
//! for `Last-Event-ID`. On PostgreSQL every event-writing transaction also sends
//! `NOTIFY chamado_events` (delivered at commit, once per transaction); every instance LISTENs
//! and pumps at once, so an event written on instance A streams from instance B within
//! milliseconds. The periodic poll stays as the safety net (a dropped listener connection,
//! SQLite files shared by several processes).

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use tokio::sync::broadcast;

use crate::backend::db::{Conn, Pool, Tx};
use crate::backend::Db;
use crate::domain::{TicketNumber, TicketScope};
use crate::on_conn;

/// How long events stay replayable (API.md asks for at least ten minutes).
pub const RETENTION: Duration = Duration::from_secs(60 * 60);
/// How often the pump looks for events committed by other instances, by default.
pub const POLL: Duration = Duration::from_millis(500);

/// The PostgreSQL channel that tells every instance new events committed.
pub const NOTIFY_CHANNEL: &str = "chamado_events";

/// The kinds of API.md "Live events".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    TicketCreated,
    TicketUpdated,
    MessageCreated,
    StatsChanged,
    /// Support staff viewing or replying on a ticket (staff only).
    Presence,
    /// A ticket missed a service-level target (staff only).
    SlaBreached,
    /// A notification for one person (their bell), and for nobody else.
    NotificationCreated,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::TicketCreated => "ticket.created",
            EventKind::TicketUpdated => "ticket.updated",
            EventKind::MessageCreated => "message.created",
            EventKind::StatsChanged => "stats.changed",
            EventKind::Presence => "presence",
            EventKind::SlaBreached => "sla.breached",
            EventKind::NotificationCreated => "notification.created",
        }
    }
}

/// Whose ticket an event is about, to decide who may receive it.
#[derive(Debug, Clone, Copy)]
pub struct Audience {
    pub ticket_id: i64,
    pub requester_id: i64,
    pub organization_id: i64,
    pub department_id: i64,
    /// Internal notes and other support-only changes.
    pub staff_only: bool,
}

/// One committed event, as stored and as streamed.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct StoredEvent {
    pub id: i64,
    pub kind: String,
    pub ticket_id: Option<i64>,
    pub requester_id: Option<i64>,
    pub organization_id: Option<i64>,
    pub department_id: Option<i64>,
    pub staff_only: bool,
    pub data: String,
    pub created_at: DateTime<Utc>,
}

impl StoredEvent {
    /// Whether a viewer may receive the event: the ticket must be in their scope (the same
    /// rule as reading it), and staff-only events (internal notes, presence, service levels)
    /// reach only those who see internal notes ([`CurrentUser::sees_internal_notes`]).
    ///
    /// [`CurrentUser::sees_internal_notes`]: crate::domain::CurrentUser::sees_internal_notes
    pub fn visible_to(&self, scope: &TicketScope, sees_internal_notes: bool) -> bool {
        if self.for_person().is_some() {
            // Only [`StoredEvent::for_person`]'s person, whom the stream checks by id.
            return false;
        }
        if self.staff_only && !sees_internal_notes {
            return false;
        }
        match (self.requester_id, self.organization_id, self.department_id) {
            (Some(r), Some(o), Some(d)) => scope.contains(r, o, d),
            _ => sees_internal_notes,
        }
    }
}

impl StoredEvent {
    /// The one person a personal event (a notification) is for.
    pub fn for_person(&self) -> Option<i64> {
        (self.kind == EventKind::NotificationCreated.as_str())
            .then_some(self.requester_id)
            .flatten()
    }
}

/// Records, inside the caller's transaction, that `user_id` has a new notification: their
/// bells refresh (only that person's streams carry it).
pub async fn record_for_person(
    c: Conn<'_>,
    user_id: i64,
    ticket_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let data = json!({ "ticket_id": ticket_id.map(|t| TicketNumber(t).to_string()) });
    let row = Row {
        kind: EventKind::NotificationCreated,
        ticket_id,
        requester_id: Some(user_id),
        organization_id: None,
        department_id: None,
        staff_only: false,
    };
    insert(c, &row, &data, now).await
}

/// The columns of an event row but for its data and time.
struct Row {
    kind: EventKind,
    ticket_id: Option<i64>,
    requester_id: Option<i64>,
    organization_id: Option<i64>,
    department_id: Option<i64>,
    staff_only: bool,
}

async fn insert(
    c: Conn<'_>,
    row: &Row,
    data: &Value,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    const SQL: &str = r#"
        INSERT INTO events (kind, ticket_id, requester_id, organization_id, department_id,
                            staff_only, data, created_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"#;
    let data = data.to_string();
    let mut c = c;
    if let Conn::Postgres(conn) = c.reborrow() {
        // Delivered when the transaction commits; repeated ones in a transaction fold into one.
        sqlx::query("SELECT pg_notify($1, '')")
            .bind(NOTIFY_CHANNEL)
            .execute(&mut *conn)
            .await?;
    }
    on_conn!(c, conn => sqlx::query(SQL)
        .bind(row.kind.as_str())
        .bind(row.ticket_id)
        .bind(row.requester_id)
        .bind(row.organization_id)
        .bind(row.department_id)
        .bind(row.staff_only)
        .bind(&data)
        .bind(now)
        .execute(&mut *conn)
        .await
        .map(|_| ()))
}

/// Records an event inside the caller's transaction. `data` gets the ticket's public id.
pub async fn record(
    c: Conn<'_>,
    kind: EventKind,
    audience: Audience,
    mut data: Value,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    if let Value::Object(map) = &mut data {
        map.insert(
            "ticket_id".to_owned(),
            json!(TicketNumber(audience.ticket_id).to_string()),
        );
    }
    let row = Row {
        kind,
        ticket_id: Some(audience.ticket_id),
        requester_id: Some(audience.requester_id),
        organization_id: Some(audience.organization_id),
        department_id: Some(audience.department_id),
        staff_only: audience.staff_only,
    };
    insert(c, &row, &data, now).await
}

/// Makes event-writing transactions commit one at a time on PostgreSQL (an advisory lock held
/// until commit), so event ids become visible in order. Call first in the transaction, before
/// any row is locked. SQLite transactions are serialised by `BEGIN IMMEDIATE` already.
pub async fn serialize_writers(c: Conn<'_>) -> Result<(), sqlx::Error> {
    match c {
        Conn::Sqlite(_) => Ok(()),
        Conn::Postgres(conn) => sqlx::query("SELECT pg_advisory_xact_lock(2026112105)")
            .execute(&mut *conn)
            .await
            .map(|_| ()),
    }
}

/// A write transaction on tickets. On PostgreSQL it first takes one advisory lock, so event
/// ids commit in order (the event pump never skips an id that commits late); SQLite
/// transactions are already serialised (`BEGIN IMMEDIATE`).
pub async fn begin_write(db: &Db) -> Result<Tx, sqlx::Error> {
    let mut tx = db.begin().await?;
    serialize_writers(tx.conn()).await?;
    Ok(tx)
}

/// Events after `after_id`, oldest first, at most `limit`.
pub async fn since(
    c: Conn<'_>,
    after_id: i64,
    limit: i64,
) -> Result<Vec<StoredEvent>, sqlx::Error> {
    const SQL: &str = r#"
        SELECT id, kind, ticket_id, requester_id, organization_id, department_id, staff_only,
               data, created_at
        FROM events WHERE id > $1 ORDER BY id LIMIT $2"#;
    on_conn!(c, conn => sqlx::query_as(SQL).bind(after_id).bind(limit).fetch_all(&mut *conn).await)
}

pub async fn latest_id(c: Conn<'_>) -> Result<i64, sqlx::Error> {
    const SQL: &str = "SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM events";
    on_conn!(c, conn => sqlx::query_scalar(SQL).fetch_one(&mut *conn).await)
}

/// Deletes at most `limit` events older than `before`, oldest first (housekeeping calls it until
/// it deletes none, so the write lock is let go between batches).
pub async fn prune(c: Conn<'_>, before: DateTime<Utc>, limit: i64) -> Result<u64, sqlx::Error> {
    const SQL: &str = "DELETE FROM events WHERE id IN \
                       (SELECT id FROM events WHERE created_at < $1 ORDER BY id LIMIT $2)";
    on_conn!(c, conn => sqlx::query(SQL).bind(before).bind(limit).execute(&mut *conn).await.map(|r| r.rows_affected()))
}

/// Tells this application's pump that events were committed (call after `commit`); cached
/// ticket reads are stale from now on.
pub fn wake(db: &Db) {
    db.caches().tickets_changed();
    db.signal_commit();
}

/// The in-process side of the bus: a broadcast of committed events, fed by the pump.
#[derive(Debug, Clone)]
pub struct EventBus {
    sender: broadcast::Sender<Arc<StoredEvent>>,
    /// The id of the newest event broadcast so far.
    last_id: Arc<AtomicI64>,
    poll: Duration,
    streams: Arc<StreamSlots>,
}

/// Open event streams a person may hold at once (tabs, devices).
pub const MAX_STREAMS_PER_USER: usize = 20;
/// Open event streams one instance holds at once.
pub const MAX_STREAMS: usize = 4096;

/// Who holds open streams on this instance.
#[derive(Debug, Default)]
struct StreamSlots {
    open: std::sync::Mutex<std::collections::HashMap<i64, usize>>,
}

/// One open stream; dropping it frees the slot.
#[derive(Debug)]
pub struct StreamSlot {
    slots: Arc<StreamSlots>,
    user_id: i64,
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        if let Ok(mut open) = self.slots.open.lock() {
            if let Some(n) = open.get_mut(&self.user_id) {
                *n -= 1;
                if *n == 0 {
                    open.remove(&self.user_id);
                }
            }
        }
    }
}

impl Default for EventBus {
    fn default() -> Self {
        Self::new()
    }
}

impl EventBus {
    pub fn new() -> Self {
        Self::with_poll(POLL)
    }

    pub fn with_poll(poll: Duration) -> Self {
        Self {
            sender: broadcast::channel(4096).0,
            last_id: Arc::new(AtomicI64::new(0)),
            poll,
            streams: Arc::default(),
        }
    }

    /// A slot for one more open stream of `user_id`: at most [`MAX_STREAMS_PER_USER`] per person
    /// (429 beyond) and [`MAX_STREAMS`] on the instance (503 beyond).
    pub fn open_stream(&self, user_id: i64) -> Result<StreamSlot, crate::error::AppError> {
        let mut open = self
            .streams
            .open
            .lock()
            .map_err(|_| crate::error::AppError::Internal)?;
        let total: usize = open.values().sum();
        if total >= MAX_STREAMS {
            return Err(crate::error::AppError::Unavailable {
                retry_after_seconds: 10,
            });
        }
        let mine = open.entry(user_id).or_insert(0);
        if *mine >= MAX_STREAMS_PER_USER {
            return Err(crate::error::AppError::RateLimited {
                retry_after_seconds: 10,
            });
        }
        *mine += 1;
        Ok(StreamSlot {
            slots: self.streams.clone(),
            user_id,
        })
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<StoredEvent>> {
        self.sender.subscribe()
    }

    pub fn last_id(&self) -> i64 {
        self.last_id.load(Ordering::Acquire)
    }

    /// Moves committed events from the table to the broadcast, in id order, whenever this
    /// process commits one ([`wake`]), whenever PostgreSQL notifies a commit of any instance,
    /// and every poll interval as the safety net.
    pub async fn run_pump(self, db: Db) {
        let mut wakes = db.commit_signals();
        if let Pool::Postgres(pool) = db.pool() {
            tokio::spawn(listen(pool.clone(), db.clone()));
        }
        let start = match db.acquire().await {
            Ok(mut c) => latest_id(c.conn()).await.unwrap_or(0),
            Err(_) => 0,
        };
        self.last_id.store(start, Ordering::Release);
        loop {
            self.pump_once(&db).await;
            tokio::select! {
                changed = wakes.changed() => if changed.is_err() { return },
                () = tokio::time::sleep(self.poll) => {}
            }
        }
    }

    /// Broadcasts every event after the last one sent; returns how many.
    pub async fn pump_once(&self, db: &Db) -> usize {
        let mut sent = 0;
        loop {
            let after = self.last_id();
            let batch = match db.acquire().await {
                Ok(mut c) => since(c.conn(), after, 500).await,
                Err(e) => Err(e),
            };
            let batch = match batch {
                Ok(batch) => batch,
                Err(error) => {
                    tracing::warn!(%error, "event pump cannot read events");
                    return sent;
                }
            };
            let full = batch.len() == 500;
            if !batch.is_empty() {
                // Possibly another instance's writes: cached counters are stale.
                db.caches().tickets_changed();
            }
            for event in batch {
                self.last_id.store(event.id, Ordering::Release);
                // No subscribers is fine: nobody is listening.
                let _ = self.sender.send(Arc::new(event));
                sent += 1;
            }
            if !full {
                return sent;
            }
        }
    }
}

/// Wakes this process's pump whenever any instance commits events (PostgreSQL LISTEN);
/// reconnects after a lost connection.
async fn listen(pool: sqlx::PgPool, db: Db) {
    loop {
        let listener = async {
            let mut listener = sqlx::postgres::PgListener::connect_with(&pool).await?;
            listener.listen(NOTIFY_CHANNEL).await?;
            // Anything committed while (re)connecting is picked up by this first wake.
            db.signal_commit();
            loop {
                listener.recv().await?;
                db.signal_commit();
            }
        };
        let result: Result<(), sqlx::Error> = listener.await;
        if let Err(error) = result {
            tracing::warn!(%error, "event listener lost its connection; retrying");
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(requester: i64, org: i64, dept: i64, staff_only: bool) -> StoredEvent {
        StoredEvent {
            id: 1,
            kind: "message.created".to_owned(),
            ticket_id: Some(7),
            requester_id: Some(requester),
            organization_id: Some(org),
            department_id: Some(dept),
            staff_only,
            data: "{}".to_owned(),
            created_at: Utc::now(),
        }
    }

    #[test]
    fn events_follow_the_ticket_scope() {
        let mine = TicketScope::Requester { user_id: 5 };
        assert!(event(5, 1, 1, false).visible_to(&mine, false));
        assert!(!event(6, 1, 1, false).visible_to(&mine, false));
        let org = TicketScope::Organization { organization_id: 1 };
        assert!(event(6, 1, 1, false).visible_to(&org, false));
        assert!(!event(6, 2, 1, false).visible_to(&org, false));
        let agent = TicketScope::Departments {
            department_ids: vec![3],
        };
        assert!(event(6, 2, 3, true).visible_to(&agent, true));
        assert!(!event(6, 2, 4, false).visible_to(&agent, true));
    }

    #[test]
    fn internal_notes_never_reach_customers() {
        let mine = TicketScope::Requester { user_id: 5 };
        assert!(!event(5, 1, 1, true).visible_to(&mine, false));
        assert!(event(5, 1, 1, true).visible_to(&TicketScope::All, true));
    }
}
