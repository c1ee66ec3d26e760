-- A command id belongs to its caller and its command: each logged command id keeps a claim, the digest of who
-- asked for what (actor and scope, command name, fields, target stream; watchpost.handling). A repeat with
-- another claim is refused (idempotency_key_reused) instead of answered with the first command's events.
-- Rows logged before this migration have no claim, and no repeat matches them.
-- depends: 0003_append_expect

ALTER TABLE commands ADD COLUMN claim text;

DROP FUNCTION append_prelude(text[], text[]);

-- as 0002, and each known command id comes with its claim (column c)
CREATE FUNCTION append_prelude(streams text[], command_ids text[])
RETURNS TABLE (kind text, key text, a bigint, b text, c text) LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    RETURN QUERY SELECT 'h'::text, NULL::text, h.position, h.hash::text, NULL::text FROM log_head h FOR UPDATE;
    RETURN QUERY SELECT 's'::text, s.id,
        (SELECT e.stream_version::bigint FROM events e WHERE e.stream_id = s.id
         ORDER BY e.stream_version DESC LIMIT 1), NULL::text, NULL::text
        FROM unnest(streams) AS s(id);
    RETURN QUERY SELECT 'c'::text, cm.command_id, cm.first_position, cm.last_position::text, cm.claim
        FROM commands cm WHERE cm.command_id = ANY(command_ids);
END
$$;
