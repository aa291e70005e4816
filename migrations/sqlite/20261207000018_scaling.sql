-- Issue 20: what a page costs follows what it shows, not how many tickets there are.

-- The dashboard's queues (unassigned, mine, escalated, SLA at risk) over the tickets that are
-- not closed, kept by triggers in the change's transaction like ticket_counters: one row per
-- department and assignee (0: unassigned), so a dashboard sums a handful of rows.
CREATE TABLE queue_counters (
    department_id INTEGER NOT NULL,
    assignee_id   INTEGER NOT NULL,
    n_active      INTEGER NOT NULL DEFAULT 0,
    n_escalated   INTEGER NOT NULL DEFAULT 0,
    n_sla_risk    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (department_id, assignee_id)
) WITHOUT ROWID;

INSERT INTO queue_counters (department_id, assignee_id, n_active, n_escalated, n_sla_risk)
SELECT department_id, COALESCE(assignee_id, 0), COUNT(*), SUM(escalated_at IS NOT NULL),
       SUM(COALESCE(sla_state IN ('at_risk', 'breached'), 0))
FROM tickets WHERE status IN ('open', 'answered')
GROUP BY department_id, COALESCE(assignee_id, 0);

CREATE TRIGGER tickets_queue_insert AFTER INSERT ON tickets
WHEN NEW.status IN ('open', 'answered')
BEGIN
    INSERT INTO queue_counters (department_id, assignee_id, n_active, n_escalated, n_sla_risk)
    VALUES (NEW.department_id, COALESCE(NEW.assignee_id, 0), 1, NEW.escalated_at IS NOT NULL,
            COALESCE(NEW.sla_state IN ('at_risk', 'breached'), 0))
    ON CONFLICT (department_id, assignee_id) DO UPDATE SET
        n_active = n_active + excluded.n_active, n_escalated = n_escalated + excluded.n_escalated,
        n_sla_risk = n_sla_risk + excluded.n_sla_risk;
END;

CREATE TRIGGER tickets_queue_delete AFTER DELETE ON tickets
WHEN OLD.status IN ('open', 'answered')
BEGIN
    UPDATE queue_counters SET
        n_active = n_active - 1, n_escalated = n_escalated - (OLD.escalated_at IS NOT NULL),
        n_sla_risk = n_sla_risk - COALESCE(OLD.sla_state IN ('at_risk', 'breached'), 0)
    WHERE department_id = OLD.department_id AND assignee_id = COALESCE(OLD.assignee_id, 0);
END;

CREATE TRIGGER tickets_queue_update AFTER UPDATE ON tickets
WHEN OLD.status IS NOT NEW.status OR OLD.department_id IS NOT NEW.department_id
  OR OLD.assignee_id IS NOT NEW.assignee_id
  OR (OLD.escalated_at IS NULL) IS NOT (NEW.escalated_at IS NULL)
  OR OLD.sla_state IS NOT NEW.sla_state
BEGIN
    UPDATE queue_counters SET
        n_active = n_active - 1, n_escalated = n_escalated - (OLD.escalated_at IS NOT NULL),
        n_sla_risk = n_sla_risk - COALESCE(OLD.sla_state IN ('at_risk', 'breached'), 0)
    WHERE OLD.status IN ('open', 'answered')
      AND department_id = OLD.department_id AND assignee_id = COALESCE(OLD.assignee_id, 0);
    INSERT INTO queue_counters (department_id, assignee_id, n_active, n_escalated, n_sla_risk)
    SELECT NEW.department_id, COALESCE(NEW.assignee_id, 0), 1, NEW.escalated_at IS NOT NULL,
           COALESCE(NEW.sla_state IN ('at_risk', 'breached'), 0)
    WHERE NEW.status IN ('open', 'answered')
    ON CONFLICT (department_id, assignee_id) DO UPDATE SET
        n_active = n_active + excluded.n_active, n_escalated = n_escalated + excluded.n_escalated,
        n_sla_risk = n_sla_risk + excluded.n_sla_risk;
END;

-- The dashboard's organization filter asks, per organization, whether one of its tickets is in
-- the viewer's departments: one index probe each.
CREATE INDEX tickets_organization_department_idx ON tickets (organization_id, department_id);

-- Ticket text search (the lists' `q`): one full-text document per message (rowid = the
-- message's id) holding its ticket's subject and its text, as conversation or as an internal
-- note, so a customer's search is limited to the first two columns. Contentless (the text
-- stays in its tables), accents and case folded. Written by the triggers below in the
-- transaction of the change; a message is only ever added, so documents are rarely deleted
-- (deleted documents leave tombstones that every lookup must read until segments merge).
CREATE VIRTUAL TABLE ticket_text USING fts5(
    subject, conversation, notes,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- A message's document.
CREATE VIEW ticket_documents AS
SELECT m.id, m.ticket_id, t.subject,
       CASE WHEN m.internal THEN '' ELSE m.body END AS conversation,
       CASE WHEN m.internal THEN m.body ELSE '' END AS notes
FROM ticket_messages m JOIN tickets t ON t.id = m.ticket_id;

CREATE TRIGGER ticket_text_message_insert AFTER INSERT ON ticket_messages BEGIN
    INSERT INTO ticket_text (rowid, subject, conversation, notes)
    SELECT id, subject, conversation, notes FROM ticket_documents WHERE id = NEW.id;
END;

-- A message edited, made internal or public, or moved to another ticket (a merge).
CREATE TRIGGER ticket_text_message_update AFTER UPDATE OF body, internal, ticket_id ON ticket_messages
BEGIN
    DELETE FROM ticket_text WHERE rowid = OLD.id;
    INSERT INTO ticket_text (rowid, subject, conversation, notes)
    SELECT id, subject, conversation, notes FROM ticket_documents WHERE id = NEW.id;
END;

CREATE TRIGGER ticket_text_message_delete AFTER DELETE ON ticket_messages BEGIN
    DELETE FROM ticket_text WHERE rowid = OLD.id;
END;

-- A new subject is written into each of the ticket's documents.
CREATE TRIGGER ticket_text_subject AFTER UPDATE OF subject ON tickets
WHEN OLD.subject IS NOT NEW.subject
BEGIN
    DELETE FROM ticket_text WHERE rowid IN (SELECT id FROM ticket_messages WHERE ticket_id = NEW.id);
    INSERT INTO ticket_text (rowid, subject, conversation, notes)
    SELECT id, subject, conversation, notes FROM ticket_documents WHERE ticket_id = NEW.id;
END;

-- Existing messages.
INSERT INTO ticket_text (rowid, subject, conversation, notes)
SELECT id, subject, conversation, notes FROM ticket_documents;
