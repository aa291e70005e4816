-- E-mail in (issue 17): mailboxes Chamado reads, every mail it received, and the addresses it
-- stopped mailing after a hard bounce.

-- A support address: read over IMAP (IDLE where the server has it) and/or posted to
-- `POST /api/v1/inbound-email` with the mailbox's token. New tickets from it go to its
-- department. The IMAP password is stored for the poller and never shown back.
CREATE TABLE mailboxes (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    name          TEXT NOT NULL,
    address       TEXT NOT NULL,
    department_id INTEGER NOT NULL REFERENCES departments (id),
    -- SHA-256 (hex) of the inbound token; the token itself is shown once
    token_hash    TEXT NOT NULL,
    imap_host     TEXT,
    imap_port     INTEGER,
    -- tls, starttls or none
    imap_security TEXT NOT NULL DEFAULT 'tls',
    imap_user     TEXT,
    imap_password TEXT,
    imap_folder   TEXT NOT NULL DEFAULT 'INBOX',
    active        BOOLEAN NOT NULL DEFAULT 1,
    last_checked_at TEXT,
    last_error    TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE UNIQUE INDEX mailboxes_address_key ON mailboxes (address);
CREATE UNIQUE INDEX mailboxes_token_key ON mailboxes (token_hash);

-- Every mail received, once per Message-ID (a mail fetched twice, or sent to two mailboxes,
-- is one), with what Chamado did with it.
CREATE TABLE inbound_emails (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    mailbox_id    INTEGER REFERENCES mailboxes (id),
    message_id    TEXT NOT NULL,
    from_address  TEXT NOT NULL,
    from_name     TEXT NOT NULL,
    subject       TEXT NOT NULL,
    -- created, appended, auto_answered, ignored, bounce
    outcome       TEXT NOT NULL,
    -- why, for everything but created/appended (unknown_sender, auto_submitted, throttled, ...)
    reason        TEXT,
    ticket_id     INTEGER REFERENCES tickets (id),
    chamado_message_id INTEGER REFERENCES ticket_messages (id),
    -- the mail's headers people read (From, To, Cc, Date, Subject) and its whole text, before
    -- quoted history and signature were trimmed
    headers       TEXT NOT NULL,
    original_text TEXT NOT NULL,
    -- attachments that did not pass the limits: JSON [{name, reason}]
    refused_files TEXT NOT NULL DEFAULT '[]',
    -- the message shows less than the text (quoted history or signature cut)
    trimmed       BOOLEAN NOT NULL DEFAULT 0,
    received_at   TEXT NOT NULL
);
CREATE UNIQUE INDEX inbound_emails_message_id_key ON inbound_emails (message_id);
CREATE INDEX inbound_emails_sender_idx ON inbound_emails (from_address, received_at);
CREATE INDEX inbound_emails_message_idx ON inbound_emails (chamado_message_id);
CREATE INDEX inbound_emails_recent_idx ON inbound_emails (received_at, id);

-- Addresses that bounced for good: Chamado stops mailing them until an admin lifts it.
CREATE TABLE email_suppressions (
    address     TEXT PRIMARY KEY,
    -- the DSN's status and diagnostic
    reason      TEXT NOT NULL,
    -- the bounced mail (not a reference: the outbox is pruned, the suppression stays)
    email_id    INTEGER,
    created_at  TEXT NOT NULL
);
