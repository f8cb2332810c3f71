-- The change feed: a horizon below which entries were purged (a cursor
-- under it answers 410), the purge, and set-based rendering for its pages.

CREATE TABLE change_horizon (
    one  boolean PRIMARY KEY DEFAULT true CHECK (one),
    txid xid8 NOT NULL DEFAULT '0',
    seq  bigint NOT NULL DEFAULT 0
);
INSERT INTO change_horizon DEFAULT VALUES;

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

-- The documents of many practices at once, as practice_json renders each:
-- grouped joins instead of five sub-selects per practice, about 2.5 times
-- faster for a feed page of 1000 (bench/RESULTS.md). The feed tests compare
-- its output with GET, which keeps the two renderings the same.
CREATE FUNCTION practice_docs(practice_ids integer[], with_private boolean)
    RETURNS TABLE (id integer, doc json) LANGUAGE sql STABLE PARALLEL SAFE AS $$
WITH cats AS (
    SELECT pc.practice_id,
           json_agg(pc.category_id ORDER BY pc.position) AS cat_ids,
           json_agg(json_build_object(
               'id', c.id, 'name', c.name, 'slug', c.slug,
               'path', CASE WHEN a.id IS NULL THEN json_build_array(c.name)
                            ELSE json_build_array(a.name, c.name) END)
               ORDER BY pc.position) AS objs
    FROM practice_category pc
    JOIN category c ON c.id = pc.category_id
    LEFT JOIN category a ON a.id = c.parent_id
    WHERE pc.practice_id = ANY (practice_ids)
    GROUP BY pc.practice_id
), parts AS (
    SELECT pu.practice_id, json_agg(pu.unit_id ORDER BY pu.position) AS unit_ids
    FROM practice_unit pu WHERE pu.practice_id = ANY (practice_ids)
    GROUP BY pu.practice_id
), conts AS (
    SELECT k.practice_id,
           json_agg(json_build_object(
               'id', k.id, 'name', k.name, 'role', k.role,
               'phones', k.phones, 'email', k.email, 'public', k.public)
               ORDER BY k.id) AS objs
    FROM contact k
    WHERE k.practice_id = ANY (practice_ids) AND (k.public OR with_private)
    GROUP BY k.practice_id
)
SELECT p.id, json_build_object(
    'id', p.id, 'title', p.title, 'status', p.status,
    'category_ids', coalesce(cats.cat_ids, '[]'),
    'categories', coalesce(cats.objs, '[]'),
    'unit_id', p.unit_id,
    'unit', json_build_object('id', u.id, 'teryt', u.teryt, 'name', u.name,
                              'type', u.type, 'voivodeship', u.voivodeship,
                              'county', u.county, 'population', u.population),
    'participant_unit_ids', coalesce(parts.unit_ids, '[]'),
    'summary', p.summary, 'sections', p.sections, 'implementer', p.implementer,
    'partners', p.partners,
    'contacts', coalesce(conts.objs, '[]'),
    'attachments', p.attachments, 'keywords', p.keywords,
    'entered_on', p.entered_on, 'revised_on', p.revised_on,
    'source', p.source, 'external_id', p.external_id, 'version', p.version,
    'created_at', rfc3339(p.created_at), 'updated_at', rfc3339(p.updated_at))
FROM practice p
JOIN unit u ON u.id = p.unit_id
LEFT JOIN cats ON cats.practice_id = p.id
LEFT JOIN parts ON parts.practice_id = p.id
LEFT JOIN conts ON conts.practice_id = p.id
WHERE p.id = ANY (practice_ids)
$$;
