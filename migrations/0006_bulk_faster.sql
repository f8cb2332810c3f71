-- A bulk batch brings practice_search up to date once, at its end: the
-- statement triggers synced every new practice twice (after the practice,
-- then after its categories), a quarter of PostgreSQL's time in an upload.
-- While bdp.bulk is on they only queue; bulk_practices syncs what it wrote.

CREATE OR REPLACE FUNCTION search_practice_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids integer[] := ARRAY(SELECT id FROM new_rows);
BEGIN
    PERFORM search_enqueue(ids);
    IF current_setting('bdp.bulk', true) IS DISTINCT FROM 'on' THEN
        PERFORM search_sync(ids);
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION search_practice_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM search_enqueue(ARRAY(
        SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE (n.title, n.summary, n.sections, n.keywords, n.implementer, n.partners, n.unit_id)
              IS DISTINCT FROM
              (o.title, o.summary, o.sections, o.keywords, o.implementer, o.partners, o.unit_id)));
    IF current_setting('bdp.bulk', true) IS DISTINCT FROM 'on' THEN
        PERFORM search_sync(ARRAY(SELECT id FROM new_rows));
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION search_categories_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('bdp.bulk', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'DELETE' THEN
        PERFORM search_sync(ARRAY(SELECT DISTINCT practice_id FROM old_rows));
    ELSE
        PERFORM search_sync(ARRAY(SELECT DISTINCT practice_id FROM new_rows));
    END IF;
    RETURN NULL;
END $$;

-- A practice of up to 8 KB is stored in its row as it is: compressing and
-- moving its texts to TOAST was 7% of PostgreSQL's time in a bulk upload,
-- and reading a practice now takes one page instead of three or more.
ALTER TABLE practice SET (toast_tuple_target = 8160);

-- Search answers every listing from practice_search: these two indexes
-- were only written.
DROP INDEX practice_entered_on_idx, practice_updated_at_idx;

-- A practice's own fields in a bulk record, read from it in one go.
CREATE TYPE bulk_practice_fields AS (
    title text, status text, summary text, sections jsonb, implementer jsonb, partners jsonb,
    attachments jsonb, keywords jsonb, entered_on date, revised_on date);

-- bulk_practices as in 0005, but for the sync at its end, for reading each
-- record from TOAST once or twice rather than once a field, and for
-- updating contacts in place.
CREATE OR REPLACE FUNCTION bulk_practices(batch jsonb, create_units boolean)
    RETURNS TABLE (n integer, outcome text, id integer, field text, message text)
    LANGUAGE plpgsql AS $$
BEGIN
    -- r is stored as is, out of line: compressing each record, only to
    -- read it back in this transaction, was a quarter of a batch's time.
    -- But every read of a field of r fetches the whole record from TOAST
    -- again (a fifth of a batch's time), so the steps that resolve keys
    -- read k, the record without its texts, which stays in the row, and
    -- the practice's fields are read from r in one go.
    CREATE TEMP TABLE IF NOT EXISTS bulk_practice (
        n integer, r jsonb, k jsonb, source text, external_id text, unit_id integer,
        category_ids integer[], participant_unit_ids integer[], existing integer,
        new_id integer, outcome text, field text, message text) ON COMMIT DROP;
    ALTER TABLE bulk_practice ALTER COLUMN r SET STORAGE EXTERNAL;
    -- The keys of the upload's earlier batches: a key given twice fails.
    CREATE TEMP TABLE IF NOT EXISTS bulk_practice_key (
        source text, external_id text, n integer,
        PRIMARY KEY (source, external_id)) ON COMMIT DROP;
    TRUNCATE bulk_practice;
    PERFORM set_config('bdp.bulk', 'on', true);
    INSERT INTO bulk_practice (n, r, k, source, external_id)
    SELECT (e ->> 'n')::int, e - 'n',
           e - '{n,title,summary,sections,implementer,partners,attachments,keywords,contacts}'::text[],
           e ->> 'source', e ->> 'external_id'
    FROM jsonb_array_elements(batch) e;

    -- The lead unit: by id, by TERYT, or inline (by TERYT, else by type,
    -- name and voivodeship, else created).
    UPDATE bulk_practice b SET unit_id = u.id FROM unit u
    WHERE u.id = (b.k ->> 'unit_id')::int;
    UPDATE bulk_practice b SET unit_id = u.id FROM unit u
    WHERE b.unit_id IS NULL AND u.teryt = coalesce(b.k ->> 'unit_teryt', b.k -> 'unit' ->> 'teryt');
    UPDATE bulk_practice b SET unit_id = m.id
    FROM (SELECT x.n, min(u.id) AS id FROM bulk_practice x
          JOIN unit u ON u.type = x.k -> 'unit' ->> 'type' AND u.name = x.k -> 'unit' ->> 'name'
               AND u.voivodeship IS NOT DISTINCT FROM x.k -> 'unit' ->> 'voivodeship'
          WHERE x.unit_id IS NULL AND x.k ? 'unit' GROUP BY x.n) m
    WHERE m.n = b.n;
    -- A partner's upload only finds units: creating them is an editor's.
    UPDATE bulk_practice b SET outcome = 'failed', field = 'unit',
        message = 'matches no unit, and this key may not create units'
    WHERE NOT create_units AND b.unit_id IS NULL AND b.k ? 'unit';
    INSERT INTO unit (teryt, name, type, voivodeship, county, population, population_year)
    SELECT DISTINCT ON (coalesce(x ->> 'teryt', ''), x ->> 'type', x ->> 'name', x ->> 'voivodeship')
           x ->> 'teryt', x ->> 'name', x ->> 'type', x ->> 'voivodeship', x ->> 'county',
           (x ->> 'population')::int, (x ->> 'population_year')::int
    FROM (SELECT b.k -> 'unit' AS x, b.n FROM bulk_practice b
          WHERE b.unit_id IS NULL AND b.k ? 'unit' AND b.outcome IS NULL) y
    ORDER BY coalesce(x ->> 'teryt', ''), x ->> 'type', x ->> 'name', x ->> 'voivodeship', y.n;
    UPDATE bulk_practice b SET unit_id = u.id FROM unit u
    WHERE b.unit_id IS NULL AND b.k ? 'unit'
      AND (u.teryt = b.k -> 'unit' ->> 'teryt'
           OR (b.k -> 'unit' ->> 'teryt' IS NULL AND u.type = b.k -> 'unit' ->> 'type'
               AND u.name = b.k -> 'unit' ->> 'name'
               AND u.voivodeship IS NOT DISTINCT FROM b.k -> 'unit' ->> 'voivodeship'));
    UPDATE bulk_practice b SET outcome = 'failed',
        field = CASE WHEN b.k ? 'unit_id' THEN 'unit_id' ELSE 'unit_teryt' END,
        message = CASE WHEN b.k ? 'unit_id' THEN 'names no existing unit'
                       ELSE 'names no unit with TERYT ' || (b.k ->> 'unit_teryt') END
    WHERE b.unit_id IS NULL AND b.outcome IS NULL;

    -- Categories: ids, slugs or a path; each must exist.
    UPDATE bulk_practice b SET category_ids = CASE
        WHEN b.k ? 'category_slugs' THEN ARRAY(
            SELECT c.id FROM jsonb_array_elements_text(b.k -> 'category_slugs') WITH ORDINALITY s (slug, k)
            JOIN category c ON c.slug = s.slug ORDER BY s.k)
        WHEN b.k ? 'category_path' THEN ARRAY(
            SELECT category_by_path(b.k -> 'category_path') WHERE category_by_path(b.k -> 'category_path') IS NOT NULL)
        ELSE ARRAY(
            SELECT c.id FROM jsonb_array_elements_text(coalesce(b.k -> 'category_ids', '[]')) WITH ORDINALITY s (cid, k)
            JOIN category c ON c.id = s.cid::int ORDER BY s.k) END
    WHERE b.outcome IS NULL;
    UPDATE bulk_practice b SET outcome = 'failed',
        field = CASE WHEN b.k ? 'category_slugs' THEN 'category_slugs'
                     WHEN b.k ? 'category_path' THEN 'category_path' ELSE 'category_ids' END,
        message = CASE WHEN b.k ? 'category_path' THEN 'names no category'
                       ELSE 'names a category that does not exist' END
    WHERE b.outcome IS NULL AND cardinality(b.category_ids) <> CASE
        WHEN b.k ? 'category_slugs' THEN jsonb_array_length(b.k -> 'category_slugs')
        WHEN b.k ? 'category_path' THEN 1
        ELSE jsonb_array_length(coalesce(b.k -> 'category_ids', '[]')) END;

    UPDATE bulk_practice b SET participant_unit_ids = ARRAY(
        SELECT u.id FROM jsonb_array_elements_text(coalesce(b.k -> 'participant_unit_ids', '[]'))
             WITH ORDINALITY s (uid, k) JOIN unit u ON u.id = s.uid::int ORDER BY s.k)
    WHERE b.outcome IS NULL;
    UPDATE bulk_practice b SET outcome = 'failed', field = 'participant_unit_ids',
        message = 'names a unit that does not exist'
    WHERE b.outcome IS NULL
      AND cardinality(b.participant_unit_ids) <> jsonb_array_length(coalesce(b.k -> 'participant_unit_ids', '[]'));

    -- The same (source, external_id) twice in a batch: the later one fails.
    UPDATE bulk_practice b SET outcome = 'failed', field = 'external_id',
        message = 'repeats the record of line ' || d.first
    FROM (SELECT x.n, min(x.n) OVER (PARTITION BY x.source, x.external_id) AS first
          FROM bulk_practice x
          WHERE x.outcome IS NULL AND x.external_id IS NOT NULL) d
    WHERE d.n = b.n AND d.first <> b.n;

    UPDATE bulk_practice b SET outcome = 'failed', field = 'external_id',
        message = 'repeats the record of line ' || k.n
    FROM bulk_practice_key k
    WHERE b.outcome IS NULL AND k.source = b.source
      AND k.external_id = b.external_id;
    INSERT INTO bulk_practice_key
    SELECT b.source, b.external_id, b.n FROM bulk_practice b
    WHERE b.outcome IS NULL AND b.external_id IS NOT NULL
    ON CONFLICT DO NOTHING;

    UPDATE bulk_practice b SET existing = p.id FROM practice p
    WHERE b.outcome IS NULL AND p.source = b.source
      AND p.external_id = b.external_id;

    -- Existing records: unchanged when every field, the categories, the
    -- participant units and (if given) the contacts are the same.
    UPDATE bulk_practice b SET outcome = 'unchanged', new_id = b.existing
    FROM practice p
    WHERE b.outcome IS NULL AND p.id = b.existing
      AND EXISTS (
          SELECT FROM jsonb_populate_record(NULL::bulk_practice_fields, b.r) f
          WHERE (p.title, p.status, p.unit_id, p.summary, p.sections, p.implementer, p.partners,
                 p.attachments, p.keywords, p.entered_on, p.revised_on)
                IS NOT DISTINCT FROM
                (f.title, coalesce(f.status, 'draft'), b.unit_id, coalesce(f.summary, ''),
                 coalesce(f.sections, '[]'), f.implementer, coalesce(f.partners, '[]'),
                 coalesce(f.attachments, '[]'), coalesce(f.keywords, '[]'),
                 coalesce(f.entered_on, p.entered_on), f.revised_on))
      AND b.category_ids = ARRAY(SELECT pc.category_id FROM practice_category pc
                                 WHERE pc.practice_id = p.id ORDER BY pc.position)
      AND b.participant_unit_ids = ARRAY(SELECT pu.unit_id FROM practice_unit pu
                                         WHERE pu.practice_id = p.id ORDER BY pu.position)
      AND (NOT b.r ? 'contacts' OR
           (SELECT coalesce(jsonb_agg(jsonb_build_object('name', k.name, 'role', k.role,
                    'phones', k.phones, 'email', k.email, 'public', k.public) ORDER BY k.id), '[]')
            FROM contact k WHERE k.practice_id = p.id)
           = (SELECT coalesce(jsonb_agg(jsonb_build_object('name', c ->> 'name', 'role', c ->> 'role',
                    'phones', coalesce(c -> 'phones', '[]'), 'email', c ->> 'email',
                    'public', coalesce((c ->> 'public')::boolean, true)) ORDER BY k), '[]')
              FROM jsonb_array_elements(b.r -> 'contacts') WITH ORDINALITY x (c, k)));

    UPDATE practice p SET title = f.title, status = coalesce(f.status, 'draft'),
        unit_id = b.unit_id, summary = coalesce(f.summary, ''),
        sections = coalesce(f.sections, '[]'), implementer = f.implementer,
        partners = coalesce(f.partners, '[]'), attachments = coalesce(f.attachments, '[]'),
        keywords = coalesce(f.keywords, '[]'), entered_on = coalesce(f.entered_on, p.entered_on),
        revised_on = f.revised_on
    FROM bulk_practice b, jsonb_populate_record(NULL::bulk_practice_fields, b.r) f
    WHERE b.outcome IS NULL AND b.existing = p.id;
    UPDATE bulk_practice b SET outcome = 'updated', new_id = b.existing
    WHERE b.outcome IS NULL AND b.existing IS NOT NULL;

    -- New records take their ids first, so that rows of the join tables and
    -- the answer can name them.
    UPDATE bulk_practice b SET outcome = 'created', new_id = nextval('practice_id_seq')
    WHERE b.outcome IS NULL;
    INSERT INTO practice (id, title, status, unit_id, summary, sections, implementer, partners,
                          attachments, keywords, entered_on, revised_on, source, external_id)
    SELECT b.new_id, f.title, coalesce(f.status, 'draft'), b.unit_id, coalesce(f.summary, ''),
           coalesce(f.sections, '[]'), f.implementer, coalesce(f.partners, '[]'),
           coalesce(f.attachments, '[]'), coalesce(f.keywords, '[]'),
           coalesce(f.entered_on, current_date), f.revised_on, b.source, b.external_id
    FROM bulk_practice b, jsonb_populate_record(NULL::bulk_practice_fields, b.r) f
    WHERE b.outcome = 'created' ORDER BY b.new_id;

    -- Join tables and contacts of what was created or updated.
    DELETE FROM practice_category pc USING bulk_practice b
    WHERE b.outcome = 'updated' AND pc.practice_id = b.new_id;
    INSERT INTO practice_category (practice_id, category_id, position)
    SELECT b.new_id, x.cid, x.k FROM bulk_practice b,
           unnest(b.category_ids) WITH ORDINALITY x (cid, k)
    WHERE b.outcome IN ('created', 'updated');
    DELETE FROM practice_unit pu USING bulk_practice b
    WHERE b.outcome = 'updated' AND pu.practice_id = b.new_id;
    INSERT INTO practice_unit (practice_id, unit_id, position)
    SELECT b.new_id, x.uid, x.k FROM bulk_practice b,
           unnest(b.participant_unit_ids) WITH ORDINALITY x (uid, k)
    WHERE b.outcome IN ('created', 'updated');
    -- Contacts given with an updated practice replace its contacts by
    -- place: the n-th stored (in id order, as they are shown) becomes the
    -- n-th given and keeps its id, written only if it differs; extra ones
    -- are added, missing ones removed. (0005 removed and re-created them
    -- all, so every contact got a new id on any change.)
    UPDATE contact k SET name = g.c ->> 'name', role = g.c ->> 'role',
        phones = coalesce(g.c -> 'phones', '[]'), email = g.c ->> 'email',
        public = coalesce((g.c ->> 'public')::boolean, true)
    FROM (SELECT s.id, x.c
          FROM (SELECT k2.id, k2.practice_id,
                       row_number() OVER (PARTITION BY k2.practice_id ORDER BY k2.id) AS pos
                FROM contact k2 JOIN bulk_practice b ON b.new_id = k2.practice_id
                WHERE b.outcome = 'updated' AND b.r ? 'contacts') s
          JOIN bulk_practice b ON b.new_id = s.practice_id,
          jsonb_array_elements(b.r -> 'contacts') WITH ORDINALITY x (c, pos)
          WHERE x.pos = s.pos) g
    WHERE k.id = g.id
      AND (k.name, k.role, k.phones, k.email, k.public) IS DISTINCT FROM
          (g.c ->> 'name', g.c ->> 'role', coalesce(g.c -> 'phones', '[]'), g.c ->> 'email',
           coalesce((g.c ->> 'public')::boolean, true));
    DELETE FROM contact k
    USING (SELECT k2.id, jsonb_array_length(b.r -> 'contacts') AS given,
                  row_number() OVER (PARTITION BY k2.practice_id ORDER BY k2.id) AS pos
           FROM contact k2 JOIN bulk_practice b ON b.new_id = k2.practice_id
           WHERE b.outcome = 'updated' AND b.r ? 'contacts') s
    WHERE k.id = s.id AND s.pos > s.given;
    INSERT INTO contact (practice_id, name, role, phones, email, public)
    SELECT b.new_id, c ->> 'name', c ->> 'role', coalesce(c -> 'phones', '[]'), c ->> 'email',
           coalesce((c ->> 'public')::boolean, true)
    FROM bulk_practice b, jsonb_array_elements(b.r -> 'contacts') WITH ORDINALITY x (c, k)
    WHERE b.outcome IN ('created', 'updated') AND b.r ? 'contacts'
      AND (b.outcome = 'created' OR x.k > (SELECT count(*) FROM contact k2 WHERE k2.practice_id = b.new_id))
    ORDER BY b.n, x.k;

    -- practice_search once for the batch (the triggers only queued).
    PERFORM search_sync(ARRAY(SELECT b.new_id FROM bulk_practice b
                              WHERE b.outcome IN ('created', 'updated') ORDER BY b.new_id));
    PERFORM set_config('bdp.bulk', 'off', true);
    RETURN QUERY SELECT b.n, b.outcome, b.new_id, b.field, b.message FROM bulk_practice b ORDER BY b.n;
END $$;
