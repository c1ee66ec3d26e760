-- A consumer keeps, beside its position in a source's log, the hash of the last event it applied (or refused) from
-- that source, and checks the next event's prev_hash against it: an altered or out-of-chain message is never
-- applied. NULL: a position recorded before this column existed (its next event is taken on trust, once).
-- depends: 0003_append_expect

ALTER TABLE consumer_positions ADD COLUMN hash char(64);
