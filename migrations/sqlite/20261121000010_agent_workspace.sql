-- Agent workspace: tags, canned responses, round-robin assignment, presence.

CREATE TABLE ticket_tags (
    ticket_id INTEGER NOT NULL REFERENCES tickets (id),
    tag       TEXT NOT NULL,
    PRIMARY KEY (ticket_id, tag)
);
CREATE INDEX ticket_tags_tag_idx ON ticket_tags (tag);

-- Replies agents insert from a picker; department NULL means every department.
CREATE TABLE canned_responses (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    department_id INTEGER REFERENCES departments (id),
    title         TEXT NOT NULL,
    body          TEXT NOT NULL,
    active        BOOLEAN NOT NULL DEFAULT 1,
    created_by_id INTEGER REFERENCES users (id),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX canned_responses_department_idx ON canned_responses (department_id);

-- Round-robin: new tickets of such a department go to the member whose last turn is oldest.
-- A turn is a number, not a time: request clocks may run out of commit order.
ALTER TABLE departments ADD COLUMN round_robin BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE department_members ADD COLUMN assigned_turn INTEGER;

-- Who is looking at (or typing on) which ticket; rows older than a minute mean nobody.
CREATE TABLE ticket_presence (
    ticket_id INTEGER NOT NULL REFERENCES tickets (id),
    user_id   INTEGER NOT NULL REFERENCES users (id),
    state     TEXT NOT NULL CHECK (state IN ('viewing','replying')),
    seen_at   TEXT NOT NULL,
    PRIMARY KEY (ticket_id, user_id)
);

CREATE INDEX tickets_escalated_idx ON tickets (escalated_at) WHERE escalated_at IS NOT NULL;
CREATE INDEX tickets_merged_into_idx ON tickets (merged_into_id) WHERE merged_into_id IS NOT NULL;

-- The dashboard's lists of a department, newest activity first: all of it, and a queue by
-- assignee (NULL: "Não atribuídos"), read off the index in order with the status checked from
-- the index itself, so a page stops after its 50 rows instead of sorting the department.
CREATE INDEX tickets_department_updated_idx ON tickets (department_id, updated_at, id);
CREATE INDEX tickets_department_assignee_updated_idx ON tickets (department_id, assignee_id, updated_at, id, status);
