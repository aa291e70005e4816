-- Tickets that continue or relate to one another (a new ticket after the reopen window, and
-- later support's "related tickets").
CREATE TABLE ticket_links (
    ticket_id         BIGINT NOT NULL REFERENCES tickets (id),
    related_ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    created_by_id     BIGINT REFERENCES users (id),
    created_at        TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (ticket_id, related_ticket_id)
);
CREATE INDEX ticket_links_related_idx ON ticket_links (related_ticket_id);
