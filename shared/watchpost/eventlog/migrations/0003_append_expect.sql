-- Appending on a head the writer already knows: one round trip instead of two. A process that wrote the last
-- events knows the head (position, hash) and its callers give the versions they expect, so it can seal the
-- events first and send the check, the inserts and COMMIT together. This function is the check: it takes the
-- head lock (waiting for a batch of the same process that is still committing), checks the head is the one
-- expected, then (a fresh snapshot per statement, after the lock) every stream's version and that no command id
-- is known yet. Any surprise raises SQLSTATE WP409: the
-- writer rolls back, nothing is written, and it appends again the long way (append_prelude) to learn why.
-- depends: 0002_append_prelude

CREATE FUNCTION append_expect(head_position bigint, head_hash text, streams text[], versions integer[],
                              command_ids text[])
RETURNS void LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    locked_position bigint;
    locked_hash text;
BEGIN
    -- lock first, compare after: a predicate in the locking query would be checked against this snapshot's row
    -- and fail at once while the batch chained before this one is still committing, instead of waiting for it
    SELECT h.position, h.hash INTO locked_position, locked_hash FROM log_head h FOR UPDATE;
    IF locked_position <> head_position OR locked_hash <> head_hash THEN
        RAISE EXCEPTION 'the log head is no longer at %', head_position USING ERRCODE = 'WP409';
    END IF;
    IF EXISTS (SELECT 1 FROM unnest(streams, versions) AS s(id, v)
               WHERE coalesce((SELECT e.stream_version FROM events e WHERE e.stream_id = s.id
                               ORDER BY e.stream_version DESC LIMIT 1), 0) <> s.v) THEN
        RAISE EXCEPTION 'a stream is not at the version expected' USING ERRCODE = 'WP409';
    END IF;
    IF EXISTS (SELECT 1 FROM commands c WHERE c.command_id = ANY(command_ids)) THEN
        RAISE EXCEPTION 'a command id is already logged' USING ERRCODE = 'WP409';
    END IF;
END
$$;
