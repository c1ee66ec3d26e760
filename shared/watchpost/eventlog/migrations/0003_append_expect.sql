-- Appending on a head the writer already knows: one round trip instead of two. A process that wrote the last
-- events knows the head (position, hash) and its callers give the versions they expect, so it can seal the
-- events first and send the check, the inserts and COMMIT together. This function is the check: it takes the
-- head lock only if the head is still the one expected, then (a fresh snapshot per statement, after the lock)
-- checks every stream's version and that no command id is known yet. Any surprise raises SQLSTATE WP409: the
-- writer rolls back, nothing is written, and it appends again the long way (append_prelude) to learn why.
-- depends: 0002_append_prelude

CREATE FUNCTION append_expect(head_position bigint, head_hash text, streams text[], versions integer[],
                              command_ids text[])
RETURNS void LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM 1 FROM log_head h WHERE h.position = head_position AND h.hash = head_hash FOR UPDATE;
    IF NOT FOUND THEN
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
