-- Identity: session revocation, API tokens, invitation / password-reset links, sign-in throttling.

-- Sessions that signed in before this instant are no longer valid (password change, deactivation).
ALTER TABLE users ADD COLUMN sessions_valid_after TEXT;

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
);
CREATE UNIQUE INDEX api_tokens_hash_key ON api_tokens (token_hash);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);

-- Single-use links: invitations (set a first password) and password resets.
CREATE TABLE user_links (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id       INTEGER NOT NULL REFERENCES users (id),
    purpose       TEXT NOT NULL CHECK (purpose IN ('invitation','password_reset')),
    token_hash    TEXT NOT NULL,
    created_by_id INTEGER REFERENCES users (id),
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    used_at       TEXT
);
CREATE UNIQUE INDEX user_links_hash_key ON user_links (token_hash);
CREATE INDEX user_links_user_idx ON user_links (user_id, purpose);

-- Failed sign-ins, by account ("email:…") and by client address ("ip:…"), for throttling.
CREATE TABLE login_failures (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    key       TEXT NOT NULL,
    failed_at TEXT NOT NULL
);
CREATE INDEX login_failures_key_idx ON login_failures (key, failed_at);
