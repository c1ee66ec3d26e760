-- The event log of one service, in that service's own schema (search_path is set to it).
-- depends:

CREATE TABLE events (
    position        bigint PRIMARY KEY,
    event_id        uuid NOT NULL UNIQUE,
    type            text NOT NULL,
    stream_id       text NOT NULL,
    stream_version  integer NOT NULL,
    recorded_at     timestamptz NOT NULL,
    data            text NOT NULL,   -- the canonical JSON of every hashed field: what the hash covers, byte for byte
    prev_hash       char(64) NOT NULL,
    hash            char(64) NOT NULL,
    UNIQUE (stream_id, stream_version)
);

CREATE TABLE log_head (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    position  bigint NOT NULL,
    hash      char(64) NOT NULL
);
INSERT INTO log_head VALUES (true, 0, repeat('0', 64));

CREATE TABLE commands (
    command_id     text PRIMARY KEY,
    first_position bigint NOT NULL,
    last_position  bigint NOT NULL
);

CREATE TABLE relay_progress (
    exchange text PRIMARY KEY,
    position bigint NOT NULL
);

CREATE TABLE consumer_positions (
    source   text PRIMARY KEY,
    position bigint NOT NULL
);

CREATE TABLE projection_docs (
    projection text NOT NULL,
    key        text NOT NULL,
    doc        jsonb NOT NULL,
    PRIMARY KEY (projection, key)
);
CREATE INDEX projection_docs_doc ON projection_docs USING gin (doc jsonb_path_ops);

CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the event log is append-only: % on %.% is refused', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER commands_append_only BEFORE UPDATE OR DELETE ON commands
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER commands_no_truncate BEFORE TRUNCATE ON commands
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

-- The service's own role: it may read and append, never rewrite. Roles are cluster-wide, so the name carries
-- the schema; a second migration of the same schema elsewhere finds it already there.
DO $$
DECLARE
    svc text := 'watchpost_' || current_schema();
BEGIN
    BEGIN
        EXECUTE format('CREATE ROLE %I NOLOGIN', svc);
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
    BEGIN
        CREATE ROLE watchpost_auditor NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I, watchpost_auditor', current_schema(), svc);
    EXECUTE format('GRANT SELECT, INSERT ON events, commands TO %I', svc);
    EXECUTE format('GRANT SELECT, UPDATE ON log_head TO %I', svc);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON relay_progress, consumer_positions TO %I', svc);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON projection_docs TO %I', svc);
    GRANT SELECT ON events, log_head, commands, relay_progress, consumer_positions, projection_docs
        TO watchpost_auditor;
END
$$;
