-- Bulk uploads: each function takes a batch of records that the server has
-- already checked field by field (a JSON array, each with its line "n"),
-- resolves natural keys, and creates, updates or leaves each one, in one
-- pass per step. It returns one row a record: created, updated, unchanged
-- or failed (with the field and why). It never raises for a bad record, so
-- that partial mode can write the rest.

-- A practice's texts are compressed with lz4 rather than pglz: writing
-- 100,000 practices of 3 KB, pglz took a third of the insert's time.
ALTER TABLE practice ALTER COLUMN summary SET COMPRESSION lz4,
    ALTER COLUMN sections SET COMPRESSION lz4, ALTER COLUMN implementer SET COMPRESSION lz4,
    ALTER COLUMN partners SET COMPRESSION lz4, ALTER COLUMN keywords SET COMPRESSION lz4,
    ALTER COLUMN attachments SET COMPRESSION lz4;

-- Units are matched by type and name when they have no TERYT code.
CREATE INDEX unit_type_name_idx ON unit (type, name);

-- The category a path names: ["Area"] or ["Area", "Sub-area"].
CREATE FUNCTION category_by_path(path jsonb) RETURNS integer
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN (SELECT c.id FROM category c LEFT JOIN category a ON a.id = c.parent_id
            WHERE c.name = path ->> (jsonb_array_length(path) - 1)
              AND CASE jsonb_array_length(path)
                      WHEN 1 THEN c.parent_id IS NULL
                      WHEN 2 THEN a.name = path ->> 0
                      ELSE false END
            ORDER BY c.id LIMIT 1);

-- A bulk upload writes a practice and its contacts together, as one
-- version: the contacts' writes do not move the practice on again (within
-- a savepoint a row's xmin is the subtransaction's, which the test in
-- 0001 takes for another transaction's).
CREATE OR REPLACE FUNCTION touch_practice_of_contact() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('bdp.bulk', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        UPDATE practice SET version = version
        WHERE id = OLD.practice_id AND xmin <> pg_current_xact_id()::xid;
    END IF;
    IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.practice_id <> OLD.practice_id) THEN
        UPDATE practice SET version = version
        WHERE id = NEW.practice_id AND xmin <> pg_current_xact_id()::xid;
    END IF;
    RETURN NULL;
END $$;

-- Practices: upsert on (source, external_id), references by id or natural
-- key (unit_teryt, an inline unit, category_slugs, category_path).
CREATE FUNCTION bulk_practices(batch jsonb, create_units boolean)
    RETURNS TABLE (n integer, outcome text, id integer, field text, message text)
    LANGUAGE plpgsql AS $$
BEGIN
    CREATE TEMP TABLE IF NOT EXISTS bulk_practice (
        n integer, r jsonb, unit_id integer, category_ids integer[],
        participant_unit_ids integer[], existing integer, new_id integer,
        outcome text, field text, message text) ON COMMIT DROP;
    -- Stored as is: compressing each record, only to read it back in this
    -- transaction, was a quarter of a batch's time.
    ALTER TABLE bulk_practice ALTER COLUMN r SET STORAGE EXTERNAL;
    -- The keys of the upload's earlier batches: a key given twice fails.
    CREATE TEMP TABLE IF NOT EXISTS bulk_practice_key (
        source text, external_id text, n integer,
        PRIMARY KEY (source, external_id)) ON COMMIT DROP;
    TRUNCATE bulk_practice;
    PERFORM set_config('bdp.bulk', 'on', true);
    INSERT INTO bulk_practice (n, r)
    SELECT (e ->> 'n')::int, e - 'n' FROM jsonb_array_elements(batch) e;

    -- The lead unit: by id, by TERYT, or inline (by TERYT, else by type,
    -- name and voivodeship, else created).
    UPDATE bulk_practice b SET unit_id = u.id FROM unit u
    WHERE u.id = (b.r ->> 'unit_id')::int;
    UPDATE bulk_practice b SET unit_id = u.id FROM unit u
    WHERE b.unit_id IS NULL AND u.teryt = coalesce(b.r ->> 'unit_teryt', b.r -> 'unit' ->> 'teryt');
    UPDATE bulk_practice b SET unit_id = m.id
    FROM (SELECT x.n, min(u.id) AS id FROM bulk_practice x
          JOIN unit u ON u.type = x.r -> 'unit' ->> 'type' AND u.name = x.r -> 'unit' ->> 'name'
               AND u.voivodeship IS NOT DISTINCT FROM x.r -> 'unit' ->> 'voivodeship'
          WHERE x.unit_id IS NULL AND x.r ? 'unit' GROUP BY x.n) m
    WHERE m.n = b.n;
    -- A partner's upload only finds units: creating them is an editor's.
    UPDATE bulk_practice b SET outcome = 'failed', field = 'unit',
        message = 'matches no unit, and this key may not create units'
    WHERE NOT create_units AND b.unit_id IS NULL AND b.r ? 'unit';
    INSERT INTO unit (teryt, name, type, voivodeship, county, population, population_year)
    SELECT DISTINCT ON (coalesce(x ->> 'teryt', ''), x ->> 'type', x ->> 'name', x ->> 'voivodeship')
           x ->> 'teryt', x ->> 'name', x ->> 'type', x ->> 'voivodeship', x ->> 'county',
           (x ->> 'population')::int, (x ->> 'population_year')::int
    FROM (SELECT b.r -> 'unit' AS x, b.n FROM bulk_practice b
          WHERE b.unit_id IS NULL AND b.r ? 'unit' AND b.outcome IS NULL) y
    ORDER BY coalesce(x ->> 'teryt', ''), x ->> 'type', x ->> 'name', x ->> 'voivodeship', y.n;
    UPDATE bulk_practice b SET unit_id = u.id FROM unit u
    WHERE b.unit_id IS NULL AND b.r ? 'unit'
      AND (u.teryt = b.r -> 'unit' ->> 'teryt'
           OR (b.r -> 'unit' ->> 'teryt' IS NULL AND u.type = b.r -> 'unit' ->> 'type'
               AND u.name = b.r -> 'unit' ->> 'name'
               AND u.voivodeship IS NOT DISTINCT FROM b.r -> 'unit' ->> 'voivodeship'));
    UPDATE bulk_practice b SET outcome = 'failed',
        field = CASE WHEN b.r ? 'unit_id' THEN 'unit_id' ELSE 'unit_teryt' END,
        message = CASE WHEN b.r ? 'unit_id' THEN 'names no existing unit'
                       ELSE 'names no unit with TERYT ' || (b.r ->> 'unit_teryt') END
    WHERE b.unit_id IS NULL AND b.outcome IS NULL;

    -- Categories: ids, slugs or a path; each must exist.
    UPDATE bulk_practice b SET category_ids = CASE
        WHEN b.r ? 'category_slugs' THEN ARRAY(
            SELECT c.id FROM jsonb_array_elements_text(b.r -> 'category_slugs') WITH ORDINALITY s (slug, k)
            JOIN category c ON c.slug = s.slug ORDER BY s.k)
        WHEN b.r ? 'category_path' THEN ARRAY(
            SELECT category_by_path(b.r -> 'category_path') WHERE category_by_path(b.r -> 'category_path') IS NOT NULL)
        ELSE ARRAY(
            SELECT c.id FROM jsonb_array_elements_text(coalesce(b.r -> 'category_ids', '[]')) WITH ORDINALITY s (cid, k)
            JOIN category c ON c.id = s.cid::int ORDER BY s.k) END
    WHERE b.outcome IS NULL;
    UPDATE bulk_practice b SET outcome = 'failed',
        field = CASE WHEN b.r ? 'category_slugs' THEN 'category_slugs'
                     WHEN b.r ? 'category_path' THEN 'category_path' ELSE 'category_ids' END,
        message = CASE WHEN b.r ? 'category_path' THEN 'names no category'
                       ELSE 'names a category that does not exist' END
    WHERE b.outcome IS NULL AND cardinality(b.category_ids) <> CASE
        WHEN b.r ? 'category_slugs' THEN jsonb_array_length(b.r -> 'category_slugs')
        WHEN b.r ? 'category_path' THEN 1
        ELSE jsonb_array_length(coalesce(b.r -> 'category_ids', '[]')) END;

    UPDATE bulk_practice b SET participant_unit_ids = ARRAY(
        SELECT u.id FROM jsonb_array_elements_text(coalesce(b.r -> 'participant_unit_ids', '[]'))
             WITH ORDINALITY s (uid, k) JOIN unit u ON u.id = s.uid::int ORDER BY s.k)
    WHERE b.outcome IS NULL;
    UPDATE bulk_practice b SET outcome = 'failed', field = 'participant_unit_ids',
        message = 'names a unit that does not exist'
    WHERE b.outcome IS NULL
      AND cardinality(b.participant_unit_ids) <> jsonb_array_length(coalesce(b.r -> 'participant_unit_ids', '[]'));

    -- The same (source, external_id) twice in a batch: the later one fails.
    UPDATE bulk_practice b SET outcome = 'failed', field = 'external_id',
        message = 'repeats the record of line ' || d.first
    FROM (SELECT x.n, min(x.n) OVER (PARTITION BY x.r ->> 'source', x.r ->> 'external_id') AS first
          FROM bulk_practice x
          WHERE x.outcome IS NULL AND x.r ->> 'external_id' IS NOT NULL) d
    WHERE d.n = b.n AND d.first <> b.n;

    UPDATE bulk_practice b SET outcome = 'failed', field = 'external_id',
        message = 'repeats the record of line ' || k.n
    FROM bulk_practice_key k
    WHERE b.outcome IS NULL AND k.source = b.r ->> 'source'
      AND k.external_id = b.r ->> 'external_id';
    INSERT INTO bulk_practice_key
    SELECT b.r ->> 'source', b.r ->> 'external_id', b.n FROM bulk_practice b
    WHERE b.outcome IS NULL AND b.r ->> 'external_id' IS NOT NULL
    ON CONFLICT DO NOTHING;

    UPDATE bulk_practice b SET existing = p.id FROM practice p
    WHERE b.outcome IS NULL AND p.source = b.r ->> 'source'
      AND p.external_id = b.r ->> 'external_id';

    -- Existing records: unchanged when every field, the categories, the
    -- participant units and (if given) the contacts are the same.
    UPDATE bulk_practice b SET outcome = 'unchanged', new_id = b.existing
    FROM practice p
    WHERE b.outcome IS NULL AND p.id = b.existing
      AND (p.title, p.status, p.unit_id, p.summary, p.sections, p.implementer, p.partners,
           p.attachments, p.keywords, p.entered_on, p.revised_on)
          IS NOT DISTINCT FROM
          (b.r ->> 'title', coalesce(b.r ->> 'status', 'draft'), b.unit_id,
           coalesce(b.r ->> 'summary', ''), coalesce(b.r -> 'sections', '[]'),
           nullif(b.r -> 'implementer', 'null'), coalesce(b.r -> 'partners', '[]'),
           coalesce(b.r -> 'attachments', '[]'), coalesce(b.r -> 'keywords', '[]'),
           coalesce((b.r ->> 'entered_on')::date, p.entered_on), (b.r ->> 'revised_on')::date)
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

    UPDATE practice p SET title = b.r ->> 'title', status = coalesce(b.r ->> 'status', 'draft'),
        unit_id = b.unit_id, summary = coalesce(b.r ->> 'summary', ''),
        sections = coalesce(b.r -> 'sections', '[]'),
        implementer = nullif(b.r -> 'implementer', 'null'),
        partners = coalesce(b.r -> 'partners', '[]'),
        attachments = coalesce(b.r -> 'attachments', '[]'),
        keywords = coalesce(b.r -> 'keywords', '[]'),
        entered_on = coalesce((b.r ->> 'entered_on')::date, p.entered_on),
        revised_on = (b.r ->> 'revised_on')::date
    FROM bulk_practice b
    WHERE b.outcome IS NULL AND b.existing = p.id;
    UPDATE bulk_practice b SET outcome = 'updated', new_id = b.existing
    WHERE b.outcome IS NULL AND b.existing IS NOT NULL;

    -- New records take their ids first, so that rows of the join tables and
    -- the answer can name them.
    UPDATE bulk_practice b SET outcome = 'created', new_id = nextval('practice_id_seq')
    WHERE b.outcome IS NULL;
    INSERT INTO practice (id, title, status, unit_id, summary, sections, implementer, partners,
                          attachments, keywords, entered_on, revised_on, source, external_id)
    SELECT b.new_id, b.r ->> 'title', coalesce(b.r ->> 'status', 'draft'), b.unit_id,
           coalesce(b.r ->> 'summary', ''), coalesce(b.r -> 'sections', '[]'),
           nullif(b.r -> 'implementer', 'null'), coalesce(b.r -> 'partners', '[]'),
           coalesce(b.r -> 'attachments', '[]'), coalesce(b.r -> 'keywords', '[]'),
           coalesce((b.r ->> 'entered_on')::date, current_date), (b.r ->> 'revised_on')::date,
           b.r ->> 'source', b.r ->> 'external_id'
    FROM bulk_practice b WHERE b.outcome = 'created' ORDER BY b.new_id;

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
    DELETE FROM contact k USING bulk_practice b
    WHERE b.outcome = 'updated' AND b.r ? 'contacts' AND k.practice_id = b.new_id;
    INSERT INTO contact (practice_id, name, role, phones, email, public)
    SELECT b.new_id, c ->> 'name', c ->> 'role', coalesce(c -> 'phones', '[]'), c ->> 'email',
           coalesce((c ->> 'public')::boolean, true)
    FROM bulk_practice b, jsonb_array_elements(b.r -> 'contacts') WITH ORDINALITY x (c, k)
    WHERE b.outcome IN ('created', 'updated') AND b.r ? 'contacts'
    ORDER BY b.n, x.k;

    PERFORM set_config('bdp.bulk', 'off', true);
    RETURN QUERY SELECT b.n, b.outcome, b.new_id, b.field, b.message FROM bulk_practice b ORDER BY b.n;
END $$;

-- Units: upsert on TERYT (else on type, name and voivodeship); parent_teryt
-- links to the unit with that TERYT, in this batch or before.
CREATE FUNCTION bulk_units(batch jsonb)
    RETURNS TABLE (n integer, outcome text, id integer, field text, message text)
    LANGUAGE plpgsql AS $$
BEGIN
    CREATE TEMP TABLE IF NOT EXISTS bulk_unit (
        n integer, r jsonb, existing integer, new_id integer,
        outcome text, field text, message text) ON COMMIT DROP;
    ALTER TABLE bulk_unit ALTER COLUMN r SET STORAGE EXTERNAL;
    CREATE TEMP TABLE IF NOT EXISTS bulk_unit_key (teryt text PRIMARY KEY, n integer) ON COMMIT DROP;
    TRUNCATE bulk_unit;
    INSERT INTO bulk_unit (n, r)
    SELECT (e ->> 'n')::int, e - 'n' FROM jsonb_array_elements(batch) e;

    UPDATE bulk_unit b SET outcome = 'failed', field = 'teryt',
        message = 'repeats the unit of line ' || d.first
    FROM (SELECT x.n, min(x.n) OVER (PARTITION BY x.r ->> 'teryt') AS first
          FROM bulk_unit x WHERE x.r ->> 'teryt' IS NOT NULL) d
    WHERE d.n = b.n AND d.first <> b.n;
    UPDATE bulk_unit b SET outcome = 'failed', field = 'teryt',
        message = 'repeats the unit of line ' || k.n
    FROM bulk_unit_key k WHERE b.outcome IS NULL AND k.teryt = b.r ->> 'teryt';
    INSERT INTO bulk_unit_key SELECT b.r ->> 'teryt', b.n FROM bulk_unit b
    WHERE b.outcome IS NULL AND b.r ->> 'teryt' IS NOT NULL ON CONFLICT DO NOTHING;
    -- A parent must exist already or come earlier in the upload (as the
    -- TERC register orders them), wherever the batches fall.
    UPDATE bulk_unit b SET outcome = 'failed', field = 'parent_teryt',
        message = 'names no unit with TERYT ' || (b.r ->> 'parent_teryt')
                  || ' in the database or earlier in this upload'
    WHERE b.outcome IS NULL AND b.r ->> 'parent_teryt' IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM unit x WHERE x.teryt = b.r ->> 'parent_teryt')
      AND NOT EXISTS (SELECT 1 FROM bulk_unit y
                      WHERE y.outcome IS NULL AND y.n < b.n
                        AND y.r ->> 'teryt' = b.r ->> 'parent_teryt');
    UPDATE bulk_unit b SET existing = u.id FROM unit u
    WHERE b.outcome IS NULL AND u.teryt = b.r ->> 'teryt';
    UPDATE bulk_unit b SET existing = (
        SELECT min(u.id) FROM unit u
        WHERE u.teryt IS NULL AND u.type = b.r ->> 'type' AND u.name = b.r ->> 'name'
          AND u.voivodeship IS NOT DISTINCT FROM b.r ->> 'voivodeship')
    WHERE b.outcome IS NULL AND b.r ->> 'teryt' IS NULL;

    -- Fields a record leaves out keep their values: the TERC register has
    -- no populations, and loading it again must not erase them.
    UPDATE bulk_unit b SET outcome = 'unchanged', new_id = b.existing FROM unit u
    WHERE b.outcome IS NULL AND u.id = b.existing
      AND (u.name, u.type, u.voivodeship, u.county, u.population, u.population_year)
          IS NOT DISTINCT FROM
          (b.r ->> 'name', b.r ->> 'type', coalesce(b.r ->> 'voivodeship', u.voivodeship),
           coalesce(b.r ->> 'county', u.county),
           coalesce((b.r ->> 'population')::int, u.population),
           coalesce((b.r ->> 'population_year')::int, u.population_year))
      AND (NOT b.r ? 'parent_teryt' OR u.parent_id IS NOT DISTINCT FROM
           (SELECT x.id FROM unit x WHERE x.teryt = b.r ->> 'parent_teryt'));
    UPDATE unit u SET name = b.r ->> 'name', type = b.r ->> 'type',
        voivodeship = coalesce(b.r ->> 'voivodeship', u.voivodeship),
        county = coalesce(b.r ->> 'county', u.county),
        population = coalesce((b.r ->> 'population')::int, u.population),
        population_year = coalesce((b.r ->> 'population_year')::int, u.population_year)
    FROM bulk_unit b WHERE b.outcome IS NULL AND b.existing = u.id;
    UPDATE bulk_unit b SET outcome = 'updated', new_id = b.existing
    WHERE b.outcome IS NULL AND b.existing IS NOT NULL;
    UPDATE bulk_unit b SET outcome = 'created', new_id = nextval('unit_id_seq')
    WHERE b.outcome IS NULL;
    INSERT INTO unit (id, teryt, name, type, voivodeship, county, population, population_year)
    SELECT b.new_id, b.r ->> 'teryt', b.r ->> 'name', b.r ->> 'type', b.r ->> 'voivodeship',
           b.r ->> 'county', (b.r ->> 'population')::int, (b.r ->> 'population_year')::int
    FROM bulk_unit b WHERE b.outcome = 'created' ORDER BY b.new_id;

    UPDATE unit u SET parent_id = p.id
    FROM bulk_unit b JOIN unit p ON p.teryt = b.r ->> 'parent_teryt'
    WHERE b.outcome IN ('created', 'updated') AND u.id = b.new_id
      AND u.parent_id IS DISTINCT FROM p.id;

    RETURN QUERY SELECT b.n, b.outcome, b.new_id, b.field, b.message FROM bulk_unit b ORDER BY b.n;
END $$;

-- Categories: upsert on slug; the parent by parent_slug or parent_id.
CREATE FUNCTION bulk_categories(batch jsonb)
    RETURNS TABLE (n integer, outcome text, id integer, field text, message text)
    LANGUAGE plpgsql AS $$
DECLARE
    rec record;
    pid integer;
    cur category;
BEGIN
    -- Few and ordered (a parent before its children): one at a time.
    FOR rec IN SELECT (e ->> 'n')::int AS n, e AS r FROM jsonb_array_elements(batch) e ORDER BY 1 LOOP
        pid := NULL;
        IF rec.r ->> 'parent_slug' IS NOT NULL THEN
            SELECT c.id INTO pid FROM category c WHERE c.slug = rec.r ->> 'parent_slug';
            IF pid IS NULL THEN
                RETURN QUERY SELECT rec.n, 'failed'::text, NULL::int, 'parent_slug'::text,
                    'names no category'::text;
                CONTINUE;
            END IF;
        ELSIF rec.r ->> 'parent_id' IS NOT NULL THEN
            SELECT c.id INTO pid FROM category c WHERE c.id = (rec.r ->> 'parent_id')::int;
            IF pid IS NULL THEN
                RETURN QUERY SELECT rec.n, 'failed'::text, NULL::int, 'parent_id'::text,
                    'names no category'::text;
                CONTINUE;
            END IF;
        END IF;
        -- Two levels: areas and their sub-areas. A sub-area's parent is an
        -- area, and an area with sub-areas stays one.
        IF pid IS NOT NULL AND (
            (SELECT c.parent_id FROM category c WHERE c.id = pid) IS NOT NULL
            OR EXISTS (SELECT 1 FROM category c JOIN category k ON k.parent_id = c.id
                       WHERE c.slug = coalesce(rec.r ->> 'slug', slugify(rec.r ->> 'name'))))
        THEN
            RETURN QUERY SELECT rec.n, 'failed'::text, NULL::int,
                CASE WHEN rec.r ->> 'parent_slug' IS NOT NULL THEN 'parent_slug' ELSE 'parent_id' END,
                'would make a third level: categories are areas and their sub-areas'::text;
            CONTINUE;
        END IF;
        SELECT * INTO cur FROM category c
        WHERE c.slug = coalesce(rec.r ->> 'slug', slugify(rec.r ->> 'name'));
        IF cur.id IS NULL THEN
            INSERT INTO category (parent_id, name, slug, position)
            VALUES (pid, rec.r ->> 'name', coalesce(rec.r ->> 'slug', slugify(rec.r ->> 'name')),
                    coalesce((rec.r ->> 'position')::int, 0))
            RETURNING category.id INTO cur.id;
            RETURN QUERY SELECT rec.n, 'created'::text, cur.id, NULL::text, NULL::text;
        ELSIF (cur.parent_id, cur.name, cur.position) IS NOT DISTINCT FROM
              (pid, rec.r ->> 'name', coalesce((rec.r ->> 'position')::int, cur.position)) THEN
            RETURN QUERY SELECT rec.n, 'unchanged'::text, cur.id, NULL::text, NULL::text;
        ELSIF pid = cur.id THEN
            RETURN QUERY SELECT rec.n, 'failed'::text, cur.id, 'parent_slug'::text,
                'names the category itself'::text;
        ELSE
            UPDATE category c SET parent_id = pid, name = rec.r ->> 'name',
                position = coalesce((rec.r ->> 'position')::int, c.position)
            WHERE c.id = cur.id;
            RETURN QUERY SELECT rec.n, 'updated'::text, cur.id, NULL::text, NULL::text;
        END IF;
    END LOOP;
END $$;
