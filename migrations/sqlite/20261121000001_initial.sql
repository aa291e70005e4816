-- Chamado initial schema (SQLite dialect). Keep in step with ../postgres/ (same file names).
-- Times are RFC 3339 text in UTC written by the application; booleans are 0/1.

CREATE TABLE plans (
    key            TEXT PRIMARY KEY CHECK (key IN ('trial','startup','lite','plus','super','enterprise')),
    name           TEXT NOT NULL,
    allows_tickets BOOLEAN NOT NULL,
    position       INTEGER NOT NULL
);
INSERT INTO plans (key, name, allows_tickets, position) VALUES
    ('trial', 'Trial', 0, 1), ('startup', 'Startup', 1, 2), ('lite', 'Lite', 1, 3),
    ('plus', 'Plus', 1, 4), ('super', 'Super', 1, 5), ('enterprise', 'Enterprise', 1, 6);

CREATE TABLE organizations (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    name           TEXT NOT NULL,
    plan           TEXT NOT NULL REFERENCES plans (key),
    shares_tickets BOOLEAN NOT NULL DEFAULT 0,
    active         BOOLEAN NOT NULL DEFAULT 1,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE UNIQUE INDEX organizations_name_key ON organizations (name);

CREATE TABLE users (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    email            TEXT NOT NULL,
    name             TEXT NOT NULL,
    role             TEXT NOT NULL CHECK (role IN ('customer','org_admin','agent','lead','admin')),
    organization_id  INTEGER REFERENCES organizations (id),
    can_open_tickets BOOLEAN NOT NULL DEFAULT 0,
    language         TEXT NOT NULL DEFAULT 'pt-BR' CHECK (language IN ('pt-BR','en')),
    password_hash    TEXT,
    active           BOOLEAN NOT NULL DEFAULT 1,
    away             BOOLEAN NOT NULL DEFAULT 0,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    CHECK ((role IN ('customer','org_admin')) = (organization_id IS NOT NULL))
);
CREATE UNIQUE INDEX users_email_key ON users (email);
CREATE INDEX users_organization_idx ON users (organization_id);

CREATE TABLE departments (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL,
    active     BOOLEAN NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX departments_name_key ON departments (name);

CREATE TABLE department_members (
    department_id INTEGER NOT NULL REFERENCES departments (id),
    user_id       INTEGER NOT NULL REFERENCES users (id),
    PRIMARY KEY (department_id, user_id)
);
CREATE INDEX department_members_user_idx ON department_members (user_id);

CREATE TABLE ticket_types (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    key                   TEXT NOT NULL,
    name                  TEXT NOT NULL,
    description           TEXT NOT NULL DEFAULT '',
    active                BOOLEAN NOT NULL DEFAULT 1,
    position              INTEGER NOT NULL DEFAULT 0,
    default_department_id INTEGER REFERENCES departments (id),
    default_priority      TEXT CHECK (default_priority IN ('low','medium','high','critical')),
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL
);
CREATE UNIQUE INDEX ticket_types_key_key ON ticket_types (key);

CREATE TABLE ticket_type_fields (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_type_id INTEGER NOT NULL REFERENCES ticket_types (id),
    key            TEXT NOT NULL,
    label          TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('text','long_text','number','select','datetime','checkbox')),
    required       BOOLEAN NOT NULL DEFAULT 0,
    options        TEXT NOT NULL DEFAULT '[]',
    position       INTEGER NOT NULL DEFAULT 0,
    active         BOOLEAN NOT NULL DEFAULT 1,
    UNIQUE (ticket_type_id, key)
);

CREATE TABLE ticket_type_plans (
    ticket_type_id INTEGER NOT NULL REFERENCES ticket_types (id),
    plan           TEXT NOT NULL REFERENCES plans (key),
    PRIMARY KEY (ticket_type_id, plan)
);

-- The id is the one global ticket sequence shown as TKT-000001.
CREATE TABLE tickets (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    subject               TEXT NOT NULL,
    ticket_type_id        INTEGER NOT NULL REFERENCES ticket_types (id),
    department_id         INTEGER NOT NULL REFERENCES departments (id),
    priority              TEXT NOT NULL CHECK (priority IN ('low','medium','high','critical')),
    priority_rank         INTEGER NOT NULL,
    status                TEXT NOT NULL CHECK (status IN ('open','answered','closed')),
    requester_id          INTEGER NOT NULL REFERENCES users (id),
    organization_id       INTEGER NOT NULL REFERENCES organizations (id),
    assignee_id           INTEGER REFERENCES users (id),
    fields                TEXT NOT NULL DEFAULT '{}',
    escalated_at          TEXT,
    merged_into_id        INTEGER REFERENCES tickets (id),
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL,
    last_reply_at         TEXT,
    closed_at             TEXT,
    first_response_at     TEXT,
    first_response_due_at TEXT,
    resolution_due_at     TEXT,
    read_by_support_at    TEXT,
    read_by_requester_at  TEXT
);
CREATE INDEX tickets_organization_updated_idx ON tickets (organization_id, updated_at, id);
CREATE INDEX tickets_requester_updated_idx ON tickets (requester_id, updated_at, id);
CREATE INDEX tickets_department_status_idx ON tickets (department_id, status);
CREATE INDEX tickets_assignee_idx ON tickets (assignee_id);
CREATE INDEX tickets_updated_idx ON tickets (updated_at, id);

CREATE TABLE ticket_messages (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id  INTEGER NOT NULL REFERENCES tickets (id),
    author_id  INTEGER REFERENCES users (id),
    body       TEXT NOT NULL,
    internal   BOOLEAN NOT NULL DEFAULT 0,
    channel    TEXT NOT NULL CHECK (channel IN ('portal','email','api','system')),
    created_at TEXT NOT NULL
);
CREATE INDEX ticket_messages_ticket_idx ON ticket_messages (ticket_id, id);

CREATE TABLE attachments (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id    INTEGER NOT NULL REFERENCES tickets (id),
    message_id   INTEGER REFERENCES ticket_messages (id),
    storage_key  TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes   INTEGER NOT NULL CHECK (size_bytes >= 0),
    sha256       TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE UNIQUE INDEX attachments_storage_key_key ON attachments (storage_key);
CREATE INDEX attachments_message_idx ON attachments (message_id);

CREATE TABLE ticket_history (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id  INTEGER NOT NULL REFERENCES tickets (id),
    actor_id   INTEGER REFERENCES users (id),
    field      TEXT NOT NULL,
    old_value  TEXT,
    new_value  TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX ticket_history_ticket_idx ON ticket_history (ticket_id, id);

CREATE TABLE escalations (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id  INTEGER NOT NULL REFERENCES tickets (id),
    user_id    INTEGER NOT NULL REFERENCES users (id),
    reason     TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX escalations_ticket_idx ON escalations (ticket_id);

CREATE TABLE articles (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    slug              TEXT NOT NULL,
    title             TEXT NOT NULL,
    lang              TEXT NOT NULL CHECK (lang IN ('pt-BR','en')),
    category          TEXT NOT NULL,
    tags              TEXT NOT NULL DEFAULT '[]',
    body_markdown     TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('draft','published')),
    translation_of_id INTEGER REFERENCES articles (id),
    author_id         INTEGER REFERENCES users (id),
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    published_at      TEXT
);
CREATE UNIQUE INDEX articles_slug_key ON articles (slug);
CREATE INDEX articles_lang_category_idx ON articles (lang, status, category);

CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
