-- A durable job queue (issue 17): work that must happen after a change commits (an e-mail to
-- send, later a webhook to call) is written in the same transaction as the change, then done by
-- a worker of any instance. A job that fails is retried with exponential back-off and is dead
-- after a number of attempts, with the reason; a worker that dies mid-job loses its lease and
-- the job is taken up again.
CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL,
    -- queued, running, done, dead
    state        TEXT NOT NULL DEFAULT 'queued',
    attempts     INTEGER NOT NULL DEFAULT 0,
    run_at       TEXT NOT NULL,
    locked_until TEXT,
    last_error   TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX jobs_due_idx ON jobs (state, run_at);
CREATE INDEX jobs_kind_idx ON jobs (kind, created_at);
