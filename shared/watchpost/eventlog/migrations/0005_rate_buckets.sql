-- Rate-limit buckets (watchpost.runtime.ratelimit), shared by every process of the service: one row per route and
-- caller (a token's subject, or a client address). One atomic upsert per limited request refills and takes.
-- Keys hold no identity beyond what the request line already showed (an address or a subject); rows idle for an
-- hour are deleted.
-- depends: 0001_event_log

CREATE UNLOGGED TABLE rate_buckets (
    key     text PRIMARY KEY,
    tokens  double precision NOT NULL,
    at      timestamptz NOT NULL,
    allowed boolean NOT NULL
);

DO $$
BEGIN
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON rate_buckets TO %I', 'watchpost_' || current_schema());
END
$$;
