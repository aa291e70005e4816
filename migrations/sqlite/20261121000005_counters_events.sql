-- Ticket counters kept by triggers in the same transaction as the change, so the counters
-- above every list are a sum over a handful of rows, never a count over all tickets.
-- One row per scope: 'all' (scope_id 0), an organization, a requester, a department.
CREATE TABLE ticket_counters (
    scope      TEXT NOT NULL CHECK (scope IN ('all','organization','requester','department')),
    scope_id   INTEGER NOT NULL,
    total      INTEGER NOT NULL DEFAULT 0,
    n_open     INTEGER NOT NULL DEFAULT 0,
    n_answered INTEGER NOT NULL DEFAULT 0,
    n_closed   INTEGER NOT NULL DEFAULT 0,
    n_high     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (scope, scope_id)
) WITHOUT ROWID;

INSERT INTO ticket_counters (scope, scope_id, total, n_open, n_answered, n_closed, n_high)
SELECT scope, scope_id, COUNT(*), SUM(status = 'open'), SUM(status = 'answered'),
       SUM(status = 'closed'), SUM(priority_rank >= 3)
FROM (SELECT 'all' AS scope, 0 AS scope_id, status, priority_rank FROM tickets
      UNION ALL SELECT 'organization', organization_id, status, priority_rank FROM tickets
      UNION ALL SELECT 'requester', requester_id, status, priority_rank FROM tickets
      UNION ALL SELECT 'department', department_id, status, priority_rank FROM tickets)
GROUP BY scope, scope_id;

CREATE TRIGGER tickets_count_insert AFTER INSERT ON tickets BEGIN
    INSERT INTO ticket_counters (scope, scope_id, total, n_open, n_answered, n_closed, n_high)
    SELECT s.scope, s.scope_id, 1, NEW.status = 'open', NEW.status = 'answered',
           NEW.status = 'closed', NEW.priority_rank >= 3
    FROM (SELECT 'all' AS scope, 0 AS scope_id
          UNION ALL SELECT 'organization', NEW.organization_id
          UNION ALL SELECT 'requester', NEW.requester_id
          UNION ALL SELECT 'department', NEW.department_id) s
    WHERE true
    ON CONFLICT (scope, scope_id) DO UPDATE SET
        total = total + excluded.total, n_open = n_open + excluded.n_open,
        n_answered = n_answered + excluded.n_answered, n_closed = n_closed + excluded.n_closed,
        n_high = n_high + excluded.n_high;
END;

CREATE TRIGGER tickets_count_delete AFTER DELETE ON tickets BEGIN
    UPDATE ticket_counters SET
        total = total - 1, n_open = n_open - (OLD.status = 'open'),
        n_answered = n_answered - (OLD.status = 'answered'),
        n_closed = n_closed - (OLD.status = 'closed'), n_high = n_high - (OLD.priority_rank >= 3)
    WHERE (scope = 'all' AND scope_id = 0)
       OR (scope = 'organization' AND scope_id = OLD.organization_id)
       OR (scope = 'requester' AND scope_id = OLD.requester_id)
       OR (scope = 'department' AND scope_id = OLD.department_id);
END;

CREATE TRIGGER tickets_count_update AFTER UPDATE ON tickets
WHEN OLD.status IS NOT NEW.status OR OLD.priority_rank IS NOT NEW.priority_rank
  OR OLD.organization_id IS NOT NEW.organization_id OR OLD.requester_id IS NOT NEW.requester_id
  OR OLD.department_id IS NOT NEW.department_id
BEGIN
    UPDATE ticket_counters SET
        total = total - 1, n_open = n_open - (OLD.status = 'open'),
        n_answered = n_answered - (OLD.status = 'answered'),
        n_closed = n_closed - (OLD.status = 'closed'), n_high = n_high - (OLD.priority_rank >= 3)
    WHERE (scope = 'all' AND scope_id = 0)
       OR (scope = 'organization' AND scope_id = OLD.organization_id)
       OR (scope = 'requester' AND scope_id = OLD.requester_id)
       OR (scope = 'department' AND scope_id = OLD.department_id);
    INSERT INTO ticket_counters (scope, scope_id, total, n_open, n_answered, n_closed, n_high)
    SELECT s.scope, s.scope_id, 1, NEW.status = 'open', NEW.status = 'answered',
           NEW.status = 'closed', NEW.priority_rank >= 3
    FROM (SELECT 'all' AS scope, 0 AS scope_id
          UNION ALL SELECT 'organization', NEW.organization_id
          UNION ALL SELECT 'requester', NEW.requester_id
          UNION ALL SELECT 'department', NEW.department_id) s
    WHERE true
    ON CONFLICT (scope, scope_id) DO UPDATE SET
        total = total + excluded.total, n_open = n_open + excluded.n_open,
        n_answered = n_answered + excluded.n_answered, n_closed = n_closed + excluded.n_closed,
        n_high = n_high + excluded.n_high;
END;

-- The live-event log (an outbox): written in the transaction of the change it describes, read
-- by every instance's event pump and replayed to reconnecting clients (Last-Event-ID). The
-- ticket's owners are copied so a viewer's scope can be checked without a join.
CREATE TABLE events (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    kind            TEXT NOT NULL,
    ticket_id       INTEGER,
    requester_id    INTEGER,
    organization_id INTEGER,
    department_id   INTEGER,
    staff_only      BOOLEAN NOT NULL DEFAULT 0,
    data            TEXT NOT NULL,
    created_at      TEXT NOT NULL
);
CREATE INDEX events_created_idx ON events (created_at);
