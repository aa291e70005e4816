-- When an article row was last written (import, edit, publish, withdraw), as opposed to
-- `updated_at`, the revision date readers see (an import keeps the file's date). The search
-- index of every instance watches MAX(changed_at) to catch up.
ALTER TABLE articles ADD COLUMN changed_at TIMESTAMPTZ;
UPDATE articles SET changed_at = updated_at;
CREATE INDEX articles_changed_idx ON articles (changed_at);
