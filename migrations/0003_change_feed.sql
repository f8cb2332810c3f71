-- The change feed: a horizon below which entries were purged (a cursor
-- under it answers 410), and a notification on every change so waiting
-- partners wake at commit.

CREATE TABLE change_horizon (
    one  boolean PRIMARY KEY DEFAULT true CHECK (one),
    txid xid8 NOT NULL DEFAULT '0',
    seq  bigint NOT NULL DEFAULT 0
);
INSERT INTO change_horizon DEFAULT VALUES;

-- NOTIFY is delivered at commit and folded to one per transaction.
CREATE OR REPLACE FUNCTION record_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('bdp_change', '');
    IF TG_OP = 'DELETE' THEN
        INSERT INTO change (resource, resource_id, op, version)
        VALUES (TG_ARGV[0], OLD.id, 'delete', OLD.version + 1);
        RETURN OLD;
    END IF;
    INSERT INTO change (resource, resource_id, op, version)
    VALUES (TG_ARGV[0], NEW.id, 'upsert', NEW.version);
    RETURN NEW;
END $$;

-- Purges entries older than the retention; the horizon becomes the newest
-- purged (txid, seq), and a cursor below it has missed entries.
CREATE FUNCTION purge_changes(retention interval) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
    top_txid xid8;
    top_seq bigint;
BEGIN
    WITH gone AS (DELETE FROM change WHERE at < now() - retention RETURNING txid, seq)
    SELECT count(*), (array_agg(txid ORDER BY txid DESC, seq DESC))[1],
           (array_agg(seq ORDER BY txid DESC, seq DESC))[1]
    INTO n, top_txid, top_seq FROM gone;
    IF n > 0 THEN
        UPDATE change_horizon h SET txid = top_txid, seq = top_seq
        WHERE (h.txid, h.seq) < (top_txid, top_seq);
    END IF;
    RETURN n;
END $$;
