-- Help center: the editor right, "Was this helpful?" votes, ticket-deflection attempts.

-- Agents with this right write help-center articles (admins always may).
ALTER TABLE users ADD COLUMN can_edit_articles BOOLEAN NOT NULL DEFAULT 0;

CREATE TABLE article_feedback (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id INTEGER NOT NULL REFERENCES articles (id),
    helpful    BOOLEAN NOT NULL,
    user_id    INTEGER REFERENCES users (id),
    created_at TEXT NOT NULL
);
CREATE INDEX article_feedback_article_idx ON article_feedback (article_id, helpful);

-- One row per new-ticket form a customer filled in: what the form suggested, what they opened,
-- and how it ended ('deflected': opened an article and left; 'submitted': opened the ticket).
CREATE TABLE deflection_attempts (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    key               TEXT NOT NULL,
    user_id           INTEGER NOT NULL REFERENCES users (id),
    organization_id   INTEGER REFERENCES organizations (id),
    started_at        TEXT NOT NULL,
    suggestions_shown INTEGER NOT NULL DEFAULT 0,
    articles_opened   INTEGER NOT NULL DEFAULT 0,
    outcome           TEXT CHECK (outcome IN ('deflected','submitted')),
    ticket_id         INTEGER REFERENCES tickets (id),
    updated_at        TEXT NOT NULL
);
CREATE UNIQUE INDEX deflection_attempts_key ON deflection_attempts (user_id, key);
CREATE INDEX deflection_attempts_started_idx ON deflection_attempts (started_at);
