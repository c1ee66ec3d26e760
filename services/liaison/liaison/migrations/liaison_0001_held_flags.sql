-- Major-problem flags held until liaison's timer releases them (举报人保护): a flag is recorded as an event only
-- at the daily release, in a shuffled batch, so nothing published (time, position, actor, correlation) joins it
-- to the feedback that raised it. A held row names no person: the place, the role, the text, and the log position
-- at which it was held (the release never puts a flag right after that position). Released rows keep only their
-- hold key (so a retried command cannot hold the same flag twice) and the day they were released.
-- depends: 0001_event_log

CREATE TABLE held_flags (
    hold_key      text PRIMARY KEY,     -- sha256 of the command id, or a random id
    flag          jsonb,                -- NULL once released
    held_at       timestamptz NOT NULL,
    held_position bigint NOT NULL,      -- the log head when it was held
    released_on   date
);

DO $$
DECLARE
    svc text := 'watchpost_' || current_schema();
BEGIN
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON held_flags TO %I', svc);
END
$$;
