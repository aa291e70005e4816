-- E-mail out and notifications (issue 17).
-- Every e-mail Chamado composes, whether sent or not: admins read them in "E-mails enviados".
-- A `send_email` job delivers one; with no SMTP relay configured the mail is kept, not sent.
CREATE TABLE outbound_emails (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    -- the notification (ticket_received, support_answered, ...) or account mail (invitation, ...)
    kind           TEXT NOT NULL,
    user_id        INTEGER REFERENCES users (id),
    ticket_id      INTEGER REFERENCES tickets (id),
    to_address     TEXT NOT NULL,
    to_name        TEXT NOT NULL,
    subject        TEXT NOT NULL,
    text_body      TEXT NOT NULL,
    html_body      TEXT NOT NULL,
    message_id     TEXT NOT NULL,
    in_reply_to    TEXT,
    reference_ids  TEXT,
    reply_to       TEXT,
    unsubscribe_url TEXT,
    -- the body holds a one-use link that is only in the send job, never shown to admins
    sensitive      BOOLEAN NOT NULL DEFAULT 0,
    -- queued, sent, kept (no relay configured), failed (dead after retries), bounced
    state          TEXT NOT NULL DEFAULT 'queued',
    smtp_response  TEXT,
    attempts       INTEGER NOT NULL DEFAULT 0,
    created_at     TEXT NOT NULL,
    sent_at        TEXT,
    updated_at     TEXT NOT NULL
);
CREATE UNIQUE INDEX outbound_emails_message_id_key ON outbound_emails (message_id);
CREATE INDEX outbound_emails_recent_idx ON outbound_emails (created_at, id);
CREATE INDEX outbound_emails_ticket_idx ON outbound_emails (ticket_id, to_address, id);

-- The bell: what happened that a person would want to know, in their language at read time.
CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    kind       TEXT NOT NULL,
    ticket_id  INTEGER REFERENCES tickets (id),
    -- what the text needs (ticket subject, who did it, an excerpt), JSON
    data       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    read_at    TEXT
);
CREATE INDEX notifications_user_idx ON notifications (user_id, id);

-- A person's choices, one row per kind they changed from the default.
CREATE TABLE notification_preferences (
    user_id INTEGER NOT NULL REFERENCES users (id),
    kind    TEXT NOT NULL,
    email   BOOLEAN NOT NULL,
    in_app  BOOLEAN NOT NULL,
    PRIMARY KEY (user_id, kind)
);

-- Keys shared by every instance, made once at first start (signing reply addresses and
-- unsubscribe links).
CREATE TABLE instance_secrets (
    name       TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    created_at TEXT NOT NULL
);
