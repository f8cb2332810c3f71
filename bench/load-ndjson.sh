#!/usr/bin/env bash
# Loads NDJSON units and practices (scripts/generate's output, or any file of
# the bulk upload format) straight into a migrated bdp database, bypassing
# the API: for benchmarks only.
#
#   bench/load-ndjson.sh DBURL UNITS.ndjson PRACTICES.ndjson
#
#   scripts/generate units > /tmp/units.ndjson
#   scripts/generate practices --count 100000 > /tmp/practices.ndjson
#   bench/load-ndjson.sh postgresql://postgres@127.0.0.1:5432/bdp \
#       /tmp/units.ndjson /tmp/practices.ndjson
#
# (a file name ending in .gz is decompressed on the way.) In one transaction:
# both files are copied into temp tables of one jsonb column (CSV mode with
# quote and delimiter characters that JSON never holds, so backslashes pass
# unchanged); then
#   - units: the fields teryt, name, type, voivodeship, county, population,
#     population_year; a unit whose TERYT code (or, without one, whose name
#     and type) is in the table already is skipped. parent_id links a new
#     gmina to its powiat and a new powiat to its voivodeship by TERYT prefix.
#   - practices: unit by unit_teryt (or, for a związek JST without a TERYT
#     code, by the inline unit's name), ids in file order; a record whose (source,
#     external_id) is in the table already, or whose unit is unknown, is
#     skipped and counted. Contacts and participant units are not loaded.
#   - practice_category: category_slugs joined with category.slug, position
#     = place in the list, 1, 2, ... (unknown slugs are counted and left out).
#   - change: one "upsert" row for every unit and practice created, as the
#     triggers would write, so the change feed sees the data.
# Row triggers are off while loading (session_replication_role = replica,
# which needs a superuser, as scripts/pg's is); for any other user they run
# and record the changes themselves. Then ANALYZE. Prints the row counts and
# the elapsed seconds.
set -euo pipefail

usage() {
    sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

[[ $# -eq 3 ]] || usage
url=$1 units=$2 practices=$3
for f in "$units" "$practices"; do
    [[ -r "$f" ]] || {
        echo "bench/load-ndjson.sh: cannot read $f" >&2
        exit 1
    }
done

# The file's lines, the last one too ending in a newline, then COPY's end
# marker.
data() {
    if [[ "$1" == *.gz ]]; then
        # shellcheck disable=SC1003  # sed's "a\": add the missing newline
        gzip -dc -- "$1" | sed -e '$a\'
    else
        cat -- "$1"
        if [[ -s "$1" && -n "$(tail -c 1 -- "$1")" ]]; then echo; fi
    fi
    printf '%s\n' '\.'
}

start=$(date +%s.%N)

{
    cat <<'SQL'
\set ON_ERROR_STOP on
\set QUIET on
SET temp_buffers = '1GB';
BEGIN;
DO $$
BEGIN
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        PERFORM set_config('session_replication_role', 'replica', true);
    END IF;
END $$;
SET LOCAL work_mem = '256MB';
-- The loaded documents stay uncompressed: pglz on the way in and out of the
-- temp table would cost more than the rest of the load.
CREATE TEMP TABLE load_unit (n bigserial, doc jsonb) ON COMMIT DROP;
-- The small fields are taken out while COPY has the document at hand.
CREATE TEMP TABLE load_practice (
    n            bigserial,
    doc          jsonb,
    unit_teryt   text GENERATED ALWAYS AS (doc->>'unit_teryt') STORED,
    unit_name    text GENERATED ALWAYS AS (doc->'unit'->>'name') STORED,
    source       text GENERATED ALWAYS AS (doc->>'source') STORED,
    external_id  text GENERATED ALWAYS AS (doc->>'external_id') STORED,
    slugs        jsonb GENERATED ALWAYS AS (doc->'category_slugs') STORED
) ON COMMIT DROP;
ALTER TABLE load_practice ALTER doc SET STORAGE EXTERNAL;
COPY load_unit (doc) FROM STDIN WITH (FORMAT csv, QUOTE e'\x01', DELIMITER e'\x02');
SQL
    data "$units"
    cat <<'SQL'
COPY load_practice (doc) FROM STDIN WITH (FORMAT csv, QUOTE e'\x01', DELIMITER e'\x02');
SQL
    data "$practices"
    cat <<'SQL'
DELETE FROM load_unit WHERE doc IS NULL;
DELETE FROM load_practice WHERE doc IS NULL;
SELECT current_setting('session_replication_role') = 'replica' AS manual_changes \gset

-- Units.
CREATE TEMP TABLE new_unit (id integer, teryt text, version integer) ON COMMIT DROP;
WITH ins AS (
    INSERT INTO unit (teryt, name, type, voivodeship, county, population, population_year)
    SELECT doc->>'teryt', doc->>'name', doc->>'type', doc->>'voivodeship', doc->>'county',
           (doc->>'population')::integer, (doc->>'population_year')::integer
    FROM load_unit l
    WHERE NOT EXISTS (SELECT 1 FROM unit u WHERE u.teryt = l.doc->>'teryt')
      AND NOT (l.doc->>'teryt' IS NULL
               AND EXISTS (SELECT 1 FROM unit u WHERE u.teryt IS NULL
                           AND u.name = l.doc->>'name' AND u.type = l.doc->>'type'))
    ORDER BY l.n
    RETURNING id, teryt, version)
INSERT INTO new_unit SELECT * FROM ins;

UPDATE unit c SET parent_id = p.id
FROM new_unit nu, unit p
WHERE c.id = nu.id AND c.parent_id IS NULL
  AND p.teryt = CASE length(nu.teryt) WHEN 7 THEN left(nu.teryt, 4)
                                      WHEN 4 THEN left(nu.teryt, 2) END;

-- Practices: ids taken in file order, then inserted with them.
CREATE TEMP TABLE new_practice ON COMMIT DROP AS
SELECT l.n, nextval(pg_get_serial_sequence('practice', 'id'))::integer AS id,
       coalesce(ut.id, un.id) AS unit_id
FROM load_practice l
LEFT JOIN unit ut ON ut.teryt = l.unit_teryt
LEFT JOIN (SELECT DISTINCT ON (name) id, name FROM unit
           WHERE type = 'zwiazek_jst' ORDER BY name, id) un
       ON l.unit_teryt IS NULL AND un.name = l.unit_name
WHERE coalesce(ut.id, un.id) IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM practice p
                  WHERE p.source = l.source AND p.external_id = l.external_id)
ORDER BY l.n;

INSERT INTO practice (id, title, status, unit_id, summary, sections, implementer, partners,
                      attachments, keywords, entered_on, revised_on, source, external_id)
SELECT np.id, r.title, coalesce(r.status, 'draft'), np.unit_id,
       coalesce(r.summary, ''), coalesce(r.sections, '[]'),
       nullif(r.implementer, 'null'), coalesce(r.partners, '[]'),
       coalesce(r.attachments, '[]'), coalesce(r.keywords, '[]'),
       coalesce(r.entered_on, current_date), r.revised_on, l.source, l.external_id
FROM load_practice l JOIN new_practice np USING (n),
     -- one call: every doc->'field' would fetch the whole document again
     jsonb_to_record(l.doc) AS r (title text, status text, summary text, sections jsonb,
                                  implementer jsonb, partners jsonb, attachments jsonb,
                                  keywords jsonb, entered_on date, revised_on date);

CREATE TEMP TABLE load_slug ON COMMIT DROP AS
SELECT np.id AS practice_id, s.slug, s.position::integer AS position
FROM load_practice l JOIN new_practice np USING (n),
     jsonb_array_elements_text(coalesce(l.slugs, '[]'))
         WITH ORDINALITY AS s (slug, position);

INSERT INTO practice_category (practice_id, category_id, position)
SELECT practice_id, category_id,
       row_number() OVER (PARTITION BY practice_id ORDER BY position)
FROM (SELECT DISTINCT ON (ls.practice_id, c.id) ls.practice_id, c.id AS category_id, ls.position
      FROM load_slug ls JOIN category c ON c.slug = ls.slug
      ORDER BY ls.practice_id, c.id, ls.position) known;

-- The change feed: what the triggers would have written.
\if :manual_changes
INSERT INTO change (resource, resource_id, op, version)
SELECT 'unit', id, 'upsert', version FROM new_unit ORDER BY id;
INSERT INTO change (resource, resource_id, op, version)
SELECT 'practice', id, 'upsert', 1 FROM new_practice ORDER BY id;
\endif

SELECT (SELECT count(*) FROM load_unit) AS units_read,
       (SELECT count(*) FROM new_unit) AS units_created,
       (SELECT count(*) FROM load_practice) AS practices_read,
       (SELECT count(*) FROM new_practice) AS practices_created,
       (SELECT count(*) FROM load_practice) - (SELECT count(*) FROM new_practice)
           AS practices_skipped,
       (SELECT count(*) FROM load_slug ls
        WHERE NOT EXISTS (SELECT 1 FROM category c WHERE c.slug = ls.slug)) AS unknown_slugs
\gset
COMMIT;
ANALYZE unit;
ANALYZE practice;
ANALYZE practice_category;
ANALYZE change;
\echo units: :units_read read, :units_created created
\echo practices: :practices_read read, :practices_created created, :practices_skipped skipped (known source/external_id or unknown unit)
\echo category slugs not found: :unknown_slugs
SELECT format('in the database: %s units, %s practices, %s practice_category rows, %s changes',
              (SELECT count(*) FROM unit), (SELECT count(*) FROM practice),
              (SELECT count(*) FROM practice_category), (SELECT count(*) FROM change)) \gset
\echo :format
SQL
} | psql -X -q -At -v ON_ERROR_STOP=1 -d "$url"

end=$(date +%s.%N)
awk -v s="$start" -v e="$end" 'BEGIN { printf "elapsed: %.1f s\n", e - s }'
