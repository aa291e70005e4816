-- One number that every write to the articles table raises in the same transaction: the
-- search index of every instance compares it to catch up (a timestamp cannot be trusted to
-- grow in commit order across transactions and instances).
CREATE TABLE article_revision (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  BIGINT NOT NULL
);
INSERT INTO article_revision (id, n) VALUES (1, 0);
