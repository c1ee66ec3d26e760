-- intake's attachments (证据材料: images and PDFs attached to a clue), stored with their metadata stripped.
-- Like the reporter vault: each file is AES-256-GCM ciphertext under a key of its own, kept only wrapped by the
-- master key (WATCHPOST_MASTER_KEY) in a table of its own; erasure deletes the wrapped key. The file name lives
-- only inside the sealed record, never in plaintext here or in an event. Nothing here is plaintext but the ids.
-- depends: intake_0001_vault

CREATE TABLE attachment_files (
    attachment_id text PRIMARY KEY,
    clue_id       text NOT NULL,
    record        bytea NOT NULL,     -- nonce + ciphertext of {filename, content_type, size, sha256}
    body          bytea NOT NULL,     -- nonce + ciphertext of the stripped bytes
    stored_at     timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX attachment_files_by_clue ON attachment_files (clue_id);

CREATE TABLE attachment_keys (
    attachment_id text PRIMARY KEY REFERENCES attachment_files (attachment_id) ON DELETE CASCADE,
    wrapped_key   bytea NOT NULL      -- RFC 3394 key wrap of the file's key under the master key
);

-- The service's role reads, stores and erases; it never rewrites a file in place.
DO $$
DECLARE
    svc text := 'watchpost_' || current_schema();
BEGIN
    EXECUTE format('GRANT SELECT, INSERT, DELETE ON attachment_files, attachment_keys TO %I', svc);
END
$$;
