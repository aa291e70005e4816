-- Retried "open a ticket" requests with the same Idempotency-Key return the first ticket.
CREATE TABLE idempotency_keys (
    user_id    INTEGER NOT NULL REFERENCES users (id),
    key        TEXT NOT NULL,
    ticket_id  INTEGER REFERENCES tickets (id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, key)
);
