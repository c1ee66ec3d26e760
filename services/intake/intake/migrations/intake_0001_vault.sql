-- intake's reporter vault (举报人保护), in the service's own schema (search_path is set to it).
-- Each record is AES-256-GCM ciphertext under a key of its own; that key is kept only wrapped by the master key
-- (WATCHPOST_MASTER_KEY), in a table of its own, so erasure is one DELETE of the wrapped key: the ciphertext may
-- stay (in backups too) and can never be read again. Nothing here is plaintext.
-- depends: 0001_event_log

CREATE TABLE vault_records (
    ref       text PRIMARY KEY,
    kind      text NOT NULL,
    blob      bytea NOT NULL,        -- 12-byte nonce + ciphertext + tag; the ref is the associated data
    sealed_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE vault_keys (
    ref         text PRIMARY KEY REFERENCES vault_records (ref) ON DELETE CASCADE,
    wrapped_key bytea NOT NULL       -- RFC 3394 key wrap of the record's key under the master key
);

-- The service's role reads, seals and erases; it never rewrites a record in place.
DO $$
DECLARE
    svc text := 'watchpost_' || current_schema();
BEGIN
    EXECUTE format('GRANT SELECT, INSERT, DELETE ON vault_records, vault_keys TO %I', svc);
END
$$;
