-- Addresses an account signed in from with the right password: while the account is locked by
-- wrong passwords from elsewhere, its owner still signs in from these (issue 16, item 9).
CREATE TABLE known_sign_ins (
    user_id    INTEGER NOT NULL REFERENCES users (id),
    address    TEXT NOT NULL,
    last_at    TEXT NOT NULL,
    PRIMARY KEY (user_id, address)
);

-- "Was this helpful?" counts once per person or visitor (issue 16, item 17): `voter` is
-- `user:<id>` or `visitor:<sha-256 of the visitor cookie>`; voting again changes the vote.
-- Older votes have no voter and stay as they were.
ALTER TABLE article_feedback ADD COLUMN voter TEXT;
CREATE UNIQUE INDEX article_feedback_voter_idx ON article_feedback (article_id, voter)
    WHERE voter IS NOT NULL;

-- Who deactivated an account (issue 16, item 16): an organization admin may not re-activate a
-- member whom support (a platform admin) deactivated.
ALTER TABLE users ADD COLUMN deactivated_by_staff BOOLEAN NOT NULL DEFAULT FALSE;
