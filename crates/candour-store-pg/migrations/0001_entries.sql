-- Schema version 1 of the relay's PostgreSQL store (crates/candour-store-pg/src/lib.rs explains
-- each table). Each epoch's chunk table, candour_chunks_<first day>, is created when the epoch
-- receives its first upload and dropped when it expires.

-- Retention epochs by first day (days since 1970-01-01) and the key that seals their chunks.
CREATE TABLE candour_epochs (
    epoch bigint PRIMARY KEY,
    key bytea NOT NULL
);

-- Uploads under way: random id, epoch, chunks and bytes so far, and the start time of the
-- server that took the first of them (chunks are committed without waiting for the disk, so an
-- upload that outlives a server restart or failover may have lost some). Gone once committed
-- or aborted.
CREATE TABLE candour_uploads (
    upload bigint PRIMARY KEY,
    epoch bigint NOT NULL,
    chunks integer NOT NULL,
    len bigint NOT NULL,
    server_start timestamptz NOT NULL DEFAULT pg_postmaster_start_time()
);

-- Committed entries: area (0 inbox, 1 case stream, 2 mailbox), owner (zero for the inbox, the
-- case stream id or the mailbox address), number within the place, and where the chunks are.
CREATE TABLE candour_entries (
    area smallint NOT NULL,
    owner bytea NOT NULL,
    seq bigint NOT NULL,
    upload bigint NOT NULL UNIQUE,
    epoch bigint NOT NULL,
    len bigint NOT NULL,
    chunks integer NOT NULL,
    PRIMARY KEY (area, owner, seq)
);
CREATE INDEX candour_entries_epoch ON candour_entries (epoch);

-- The inbox's counter: raised by each inbox commit, never lowered.
CREATE TABLE candour_inbox (high bigint NOT NULL);
INSERT INTO candour_inbox (high) VALUES (0);

-- The readiness check's durable write.
CREATE TABLE candour_ready (writes bigint NOT NULL);
INSERT INTO candour_ready (writes) VALUES (0);
