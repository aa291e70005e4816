-- Issue 20: what a page costs follows what it shows, not how many tickets there are.

-- The dashboard's queues (unassigned, mine, escalated, SLA at risk) over the tickets that are
-- not closed, kept by triggers in the change's transaction like ticket_counters: one row per
-- department and assignee (0: unassigned), so a dashboard sums a handful of rows.
CREATE TABLE queue_counters (
    department_id BIGINT NOT NULL,
    assignee_id   BIGINT NOT NULL,
    n_active      BIGINT NOT NULL DEFAULT 0,
    n_escalated   BIGINT NOT NULL DEFAULT 0,
    n_sla_risk    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (department_id, assignee_id)
);

INSERT INTO queue_counters (department_id, assignee_id, n_active, n_escalated, n_sla_risk)
SELECT department_id, COALESCE(assignee_id, 0), COUNT(*),
       COUNT(*) FILTER (WHERE escalated_at IS NOT NULL),
       COUNT(*) FILTER (WHERE sla_state IN ('at_risk', 'breached'))
FROM tickets WHERE status IN ('open', 'answered')
GROUP BY department_id, COALESCE(assignee_id, 0);

-- Adds (sign 1) or removes (sign -1) one ticket from its queue row.
CREATE FUNCTION queue_counters_apply(t tickets, sign BIGINT) RETURNS void AS $$
    INSERT INTO queue_counters AS c (department_id, assignee_id, n_active, n_escalated, n_sla_risk)
    SELECT t.department_id, COALESCE(t.assignee_id, 0), sign,
           sign * (t.escalated_at IS NOT NULL)::INT,
           sign * COALESCE(t.sla_state IN ('at_risk', 'breached'), FALSE)::INT
    WHERE t.status IN ('open', 'answered')
    ON CONFLICT (department_id, assignee_id) DO UPDATE SET
        n_active = c.n_active + EXCLUDED.n_active,
        n_escalated = c.n_escalated + EXCLUDED.n_escalated,
        n_sla_risk = c.n_sla_risk + EXCLUDED.n_sla_risk;
$$ LANGUAGE sql;

CREATE FUNCTION tickets_queue_count() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM queue_counters_apply(OLD, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM queue_counters_apply(NEW, 1);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER tickets_queue_insert_delete AFTER INSERT OR DELETE ON tickets
    FOR EACH ROW EXECUTE FUNCTION tickets_queue_count();
CREATE TRIGGER tickets_queue_update AFTER UPDATE ON tickets
    FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status
          OR OLD.department_id IS DISTINCT FROM NEW.department_id
          OR OLD.assignee_id IS DISTINCT FROM NEW.assignee_id
          OR (OLD.escalated_at IS NULL) IS DISTINCT FROM (NEW.escalated_at IS NULL)
          OR OLD.sla_state IS DISTINCT FROM NEW.sla_state)
    EXECUTE FUNCTION tickets_queue_count();

-- The dashboard's organization filter asks, per organization, whether one of its tickets is in
-- the viewer's departments: one index probe each.
CREATE INDEX tickets_organization_department_idx ON tickets (organization_id, department_id);

-- Ticket text search (the lists' `q`): one document per ticket, its subject (weight A), its
-- conversation (B) and its internal notes (D), so a customer's query asks for A and B only.
-- Stemmed in the requester's language (Portuguese or English), accents folded by unaccent; a
-- query is read in both languages. GIN-indexed; the triggers below write a ticket's document
-- again in the transaction of every change to its subject or messages.
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE TEXT SEARCH CONFIGURATION chamado_pt (COPY = pg_catalog.portuguese);
ALTER TEXT SEARCH CONFIGURATION chamado_pt
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, portuguese_stem;
CREATE TEXT SEARCH CONFIGURATION chamado_en (COPY = pg_catalog.english);
ALTER TEXT SEARCH CONFIGURATION chamado_en
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;

CREATE TABLE ticket_search (
    ticket_id BIGINT PRIMARY KEY REFERENCES tickets (id) ON DELETE CASCADE,
    document  TSVECTOR NOT NULL
);

CREATE FUNCTION ticket_document(ticket BIGINT) RETURNS TSVECTOR AS $$
    SELECT setweight(to_tsvector(c.cfg, t.subject), 'A')
        || setweight(to_tsvector(c.cfg, COALESCE(string_agg(m.body, E'\n') FILTER (WHERE NOT m.internal), '')), 'B')
        || setweight(to_tsvector(c.cfg, COALESCE(string_agg(m.body, E'\n') FILTER (WHERE m.internal), '')), 'D')
    FROM tickets t
    JOIN users u ON u.id = t.requester_id
    CROSS JOIN LATERAL (SELECT (CASE WHEN u.language = 'en' THEN 'chamado_en' ELSE 'chamado_pt' END)::regconfig AS cfg) c
    LEFT JOIN ticket_messages m ON m.ticket_id = t.id
    WHERE t.id = ticket
    GROUP BY t.id, t.subject, c.cfg
$$ LANGUAGE sql STABLE;

CREATE FUNCTION ticket_search_refresh(ticket BIGINT) RETURNS void AS $$
    INSERT INTO ticket_search (ticket_id, document)
    SELECT ticket, d FROM ticket_document(ticket) AS d WHERE d IS NOT NULL
    ON CONFLICT (ticket_id) DO UPDATE SET document = EXCLUDED.document;
$$ LANGUAGE sql;

CREATE FUNCTION tickets_search_document() RETURNS trigger AS $$
BEGIN
    PERFORM ticket_search_refresh(NEW.id);
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER tickets_search_insert AFTER INSERT ON tickets
    FOR EACH ROW EXECUTE FUNCTION tickets_search_document();
CREATE TRIGGER tickets_search_subject AFTER UPDATE OF subject ON tickets
    FOR EACH ROW WHEN (OLD.subject IS DISTINCT FROM NEW.subject)
    EXECUTE FUNCTION tickets_search_document();

-- A message added, edited, made internal or public, moved by a merge, or removed.
CREATE FUNCTION messages_search_document() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM ticket_search_refresh(OLD.ticket_id);
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.ticket_id IS DISTINCT FROM OLD.ticket_id) THEN
        PERFORM ticket_search_refresh(NEW.ticket_id);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER messages_search_insert_delete AFTER INSERT OR DELETE ON ticket_messages
    FOR EACH ROW EXECUTE FUNCTION messages_search_document();
CREATE TRIGGER messages_search_update AFTER UPDATE OF body, internal, ticket_id ON ticket_messages
    FOR EACH ROW EXECUTE FUNCTION messages_search_document();

INSERT INTO ticket_search (ticket_id, document)
SELECT t.id, ticket_document(t.id) FROM tickets t;

CREATE INDEX ticket_search_document_idx ON ticket_search USING GIN (document);
