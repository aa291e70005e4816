-- The customer is told a day before an answered ticket closes by itself (issue 17). This holds
-- the time of the answer they were warned about: each answer's waiting period warns once.
ALTER TABLE tickets ADD COLUMN auto_close_warned_at TIMESTAMPTZ;
