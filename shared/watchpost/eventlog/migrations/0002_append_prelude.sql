-- One round trip to open an append: take the head lock, then read the streams' versions and the known command ids.
-- Each RETURN QUERY runs with a fresh snapshot (READ COMMITTED, volatile function), taken after the lock is held,
-- so nothing committed before this transaction got the lock is missed.
-- depends: 0001_event_log

CREATE FUNCTION append_prelude(streams text[], command_ids text[])
RETURNS TABLE (kind text, key text, a bigint, b text) LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    RETURN QUERY SELECT 'h'::text, NULL::text, h.position, h.hash::text FROM log_head h FOR UPDATE;
    RETURN QUERY SELECT 's'::text, s.id,
        (SELECT e.stream_version::bigint FROM events e WHERE e.stream_id = s.id
         ORDER BY e.stream_version DESC LIMIT 1), NULL::text
        FROM unnest(streams) AS s(id);
    RETURN QUERY SELECT 'c'::text, c.command_id, c.first_position, c.last_position::text
        FROM commands c WHERE c.command_id = ANY(command_ids);
END
$$;
