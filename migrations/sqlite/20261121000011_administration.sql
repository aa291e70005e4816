-- Administration: service levels (calendars, policies, each ticket's clock), the audit log of
-- admin changes, satisfaction ratings. Keep in step with ../postgres/ (same file names).

-- When support works: a time zone, working intervals per weekday (JSON: seven arrays of
-- [start, end] minutes after local midnight, Monday first) and holidays (JSON: local dates).
CREATE TABLE sla_calendars (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL,
    time_zone  TEXT NOT NULL,
    week       TEXT NOT NULL,
    holidays   TEXT NOT NULL DEFAULT '[]',
    active     BOOLEAN NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX sla_calendars_name_key ON sla_calendars (name);

-- Targets per plan and priority, in working minutes of a calendar. One active policy per pair.
CREATE TABLE sla_policies (
    id                     INTEGER PRIMARY KEY AUTOINCREMENT,
    plan                   TEXT NOT NULL REFERENCES plans (key),
    priority               TEXT NOT NULL CHECK (priority IN ('low','medium','high','critical')),
    first_response_minutes INTEGER NOT NULL CHECK (first_response_minutes > 0),
    resolution_minutes     INTEGER NOT NULL CHECK (resolution_minutes > 0),
    calendar_id            INTEGER NOT NULL REFERENCES sla_calendars (id),
    active                 BOOLEAN NOT NULL DEFAULT 1,
    created_at             TEXT NOT NULL,
    updated_at             TEXT NOT NULL
);
CREATE UNIQUE INDEX sla_policies_plan_priority_key ON sla_policies (plan, priority) WHERE active = 1;

-- Each ticket's clock, written whenever it could change (creation, status, priority, type,
-- plan, policy, calendar) and advanced by the SLA watcher as instants pass:
-- sla_state: the pending target's state (NULL: no policy or nothing pending);
-- sla_due_at / sla_risk_at: when the pending target falls due / turns amber (NULL when paused);
-- sla_breached_at: when the ticket first missed a target.
ALTER TABLE tickets ADD COLUMN sla_policy_id INTEGER REFERENCES sla_policies (id);
ALTER TABLE tickets ADD COLUMN sla_state TEXT CHECK (sla_state IN ('on_track','at_risk','breached','paused'));
ALTER TABLE tickets ADD COLUMN sla_due_at TEXT;
ALTER TABLE tickets ADD COLUMN sla_risk_at TEXT;
ALTER TABLE tickets ADD COLUMN sla_breached_at TEXT;
CREATE INDEX tickets_sla_due_idx ON tickets (sla_due_at, id);
CREATE INDEX tickets_sla_risk_idx ON tickets (sla_risk_at) WHERE sla_state = 'on_track';
CREATE INDEX tickets_sla_state_idx ON tickets (sla_state, department_id) WHERE sla_state IN ('at_risk','breached');
CREATE INDEX tickets_created_idx ON tickets (created_at);
CREATE INDEX tickets_closed_idx ON tickets (closed_at) WHERE closed_at IS NOT NULL;
CREATE INDEX tickets_policy_idx ON tickets (sla_policy_id) WHERE closed_at IS NULL;

-- Every change an admin makes (tickets keep theirs in ticket_history): one row per field,
-- or one row naming the thing for a creation or deletion.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    actor_id    INTEGER REFERENCES users (id),
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    entity_name TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL CHECK (action IN ('create','update','delete')),
    field       TEXT,
    old_value   TEXT,
    new_value   TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX audit_log_created_idx ON audit_log (created_at, id);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id, id);
CREATE INDEX ticket_history_created_idx ON ticket_history (created_at, id);

-- Satisfaction: the requester rates a closed ticket once, 1 to 5, with an optional comment.
CREATE TABLE ticket_ratings (
    ticket_id  INTEGER PRIMARY KEY REFERENCES tickets (id),
    user_id    INTEGER NOT NULL REFERENCES users (id),
    score      INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment    TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX ticket_ratings_created_idx ON ticket_ratings (created_at);
