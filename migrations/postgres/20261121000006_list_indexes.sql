-- "My tickets" filtered by status (the usual view: open, answered, closed) in update order: the
-- scope and the status come first so a page is read straight off the index instead of walking
-- every ticket of the organization (or requester) and discarding the other statuses.
CREATE INDEX tickets_organization_status_updated_idx ON tickets (organization_id, status, updated_at, id);
CREATE INDEX tickets_requester_status_updated_idx ON tickets (requester_id, status, updated_at, id);
-- The same with the priority ("open and high priority", the high-priority counter's view): a
-- page of one priority must not wade through every recent ticket of the others.
CREATE INDEX tickets_organization_status_priority_updated_idx ON tickets (organization_id, status, priority, updated_at, id);
CREATE INDEX tickets_requester_status_priority_updated_idx ON tickets (requester_id, status, priority, updated_at, id);
