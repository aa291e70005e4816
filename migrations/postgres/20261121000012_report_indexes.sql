-- The report and the audit log at a million tickets (BENCHMARKS.md, "Administration"): the
-- report finds first answers in its range by time instead of reading every ticket and counts a
-- department's backlog from indexes alone, and the audit log's "by person" filter reads that
-- person's changes newest first instead of walking the whole history. Keep in step with ../sqlite/ (same file names).
CREATE INDEX tickets_first_response_idx ON tickets (first_response_at) WHERE first_response_at IS NOT NULL;
CREATE INDEX ticket_history_actor_idx ON ticket_history (actor_id, created_at, id);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, created_at, id);
CREATE INDEX tickets_department_created_idx ON tickets (department_id, created_at);
CREATE INDEX tickets_department_closed_idx ON tickets (department_id, closed_at) WHERE closed_at IS NOT NULL;
