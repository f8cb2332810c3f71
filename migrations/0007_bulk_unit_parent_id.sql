-- A bulk unit record's parent_id was checked but not applied: it now sets
-- the parent (null: none), like parent_teryt; a record gives one or the
-- other (bdp refuses both). And a unit with a parent was written twice
-- (inserted or updated, then given its parent): two versions and two
-- change entries for one record; it is now written once.

-- Units: upsert on TERYT (else on type, name and voivodeship); parent_teryt
-- links to the unit with that TERYT, in this batch or before; parent_id to
-- an existing unit (null: none).
CREATE OR REPLACE FUNCTION bulk_units(batch jsonb)
    RETURNS TABLE (n integer, outcome text, id integer, field text, message text)
    LANGUAGE plpgsql AS $$
BEGIN
    CREATE TEMP TABLE IF NOT EXISTS bulk_unit (
        n integer, r jsonb, existing integer, new_id integer, parent integer,
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
    UPDATE bulk_unit b SET outcome = 'failed', field = 'parent_id',
        message = 'names no existing unit'
    WHERE b.outcome IS NULL AND b.r ->> 'parent_id' IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM unit x WHERE x.id = (b.r ->> 'parent_id')::int);
    UPDATE bulk_unit b SET existing = u.id FROM unit u
    WHERE b.outcome IS NULL AND u.teryt = b.r ->> 'teryt';
    UPDATE bulk_unit b SET existing = (
        SELECT min(u.id) FROM unit u
        WHERE u.teryt IS NULL AND u.type = b.r ->> 'type' AND u.name = b.r ->> 'name'
          AND u.voivodeship IS NOT DISTINCT FROM b.r ->> 'voivodeship')
    WHERE b.outcome IS NULL AND b.r ->> 'teryt' IS NULL;

    -- New units take their ids now, so that a parent in this batch can be
    -- named by its id; the parent is resolved before anything is compared
    -- or written, so that each unit is written once (one version, one
    -- change) with its parent.
    UPDATE bulk_unit b SET new_id = nextval('unit_id_seq')
    WHERE b.outcome IS NULL AND b.existing IS NULL;
    UPDATE bulk_unit b SET parent = CASE
        WHEN b.r ? 'parent_id' THEN (b.r ->> 'parent_id')::int
        ELSE coalesce((SELECT x.id FROM unit x WHERE x.teryt = b.r ->> 'parent_teryt'),
                      (SELECT min(y.new_id) FROM bulk_unit y
                       WHERE y.outcome IS NULL AND y.existing IS NULL AND y.n < b.n
                         AND y.r ->> 'teryt' = b.r ->> 'parent_teryt')) END
    WHERE b.outcome IS NULL AND (b.r ? 'parent_id' OR b.r ? 'parent_teryt');

    -- Fields a record leaves out keep their values: the TERC register has
    -- no populations, and loading it again must not erase them. A parent
    -- given as null (parent_id or parent_teryt) is none.
    UPDATE bulk_unit b SET outcome = 'unchanged', new_id = b.existing FROM unit u
    WHERE b.outcome IS NULL AND u.id = b.existing
      AND (u.name, u.type, u.voivodeship, u.county, u.population, u.population_year)
          IS NOT DISTINCT FROM
          (b.r ->> 'name', b.r ->> 'type', coalesce(b.r ->> 'voivodeship', u.voivodeship),
           coalesce(b.r ->> 'county', u.county),
           coalesce((b.r ->> 'population')::int, u.population),
           coalesce((b.r ->> 'population_year')::int, u.population_year))
      AND (NOT (b.r ? 'parent_id' OR b.r ? 'parent_teryt') OR u.parent_id IS NOT DISTINCT FROM b.parent);
    UPDATE unit u SET name = b.r ->> 'name', type = b.r ->> 'type',
        voivodeship = coalesce(b.r ->> 'voivodeship', u.voivodeship),
        county = coalesce(b.r ->> 'county', u.county),
        population = coalesce((b.r ->> 'population')::int, u.population),
        population_year = coalesce((b.r ->> 'population_year')::int, u.population_year),
        parent_id = CASE WHEN b.r ? 'parent_id' OR b.r ? 'parent_teryt' THEN b.parent
                         ELSE u.parent_id END
    FROM bulk_unit b WHERE b.outcome IS NULL AND b.existing = u.id;
    UPDATE bulk_unit b SET outcome = 'updated', new_id = b.existing
    WHERE b.outcome IS NULL AND b.existing IS NOT NULL;
    UPDATE bulk_unit b SET outcome = 'created' WHERE b.outcome IS NULL;
    INSERT INTO unit (id, teryt, name, type, voivodeship, county, population, population_year,
                      parent_id)
    SELECT b.new_id, b.r ->> 'teryt', b.r ->> 'name', b.r ->> 'type', b.r ->> 'voivodeship',
           b.r ->> 'county', (b.r ->> 'population')::int, (b.r ->> 'population_year')::int,
           b.parent
    FROM bulk_unit b WHERE b.outcome = 'created' ORDER BY b.new_id;

    RETURN QUERY SELECT b.n, b.outcome, b.new_id, b.field, b.message FROM bulk_unit b ORDER BY b.n;
END $$;
