-- A search page's documents as columns, which the server puts together
-- (src/practice_doc.c) into what practice_docs renders, byte for byte:
-- the texts as they are, the jsonb values in their text form, and the
-- small nested parts (categories, unit, contacts, dates) already as JSON.
-- practice_docs spent most of a page's database time escaping the long
-- texts and building the outer object in json_build_object: 1.7-2.0 ms of
-- the 2.1-2.3 ms a search took there under the benchmark's load
-- (bench/RESULTS.md, "Session 8").
CREATE FUNCTION practice_rows(practice_ids integer[], with_private boolean)
    RETURNS TABLE (id integer, title text, status text, category_ids json, categories json,
                   unit_id integer, unit json, participant_unit_ids json, summary text,
                   sections jsonb, implementer jsonb, partners jsonb, contacts json,
                   attachments jsonb, keywords jsonb, entered_on json, revised_on json,
                   source text, external_id text, version integer, created_at text,
                   updated_at text)
    LANGUAGE sql STABLE PARALLEL SAFE AS $$
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
SELECT p.id, p.title, p.status, coalesce(cats.cat_ids, '[]'), coalesce(cats.objs, '[]'),
    p.unit_id,
    json_build_object('id', u.id, 'teryt', u.teryt, 'name', u.name,
                      'type', u.type, 'voivodeship', u.voivodeship,
                      'county', u.county, 'population', u.population),
    coalesce(parts.unit_ids, '[]'), p.summary, p.sections, p.implementer, p.partners,
    coalesce(conts.objs, '[]'), p.attachments, p.keywords,
    to_json(p.entered_on), to_json(p.revised_on), p.source, p.external_id, p.version,
    rfc3339(p.created_at), rfc3339(p.updated_at)
FROM practice p
JOIN unit u ON u.id = p.unit_id
LEFT JOIN cats ON cats.practice_id = p.id
LEFT JOIN parts ON parts.practice_id = p.id
LEFT JOIN conts ON conts.practice_id = p.id
WHERE p.id = ANY (practice_ids)
$$;

-- practice_docs from the same columns, so that the joins are written once
-- (the change feed renders its pages with it; its tests compare with GET).
CREATE OR REPLACE FUNCTION practice_docs(practice_ids integer[], with_private boolean)
    RETURNS TABLE (id integer, doc json) LANGUAGE sql STABLE PARALLEL SAFE AS $$
SELECT r.id, json_build_object(
    'id', r.id, 'title', r.title, 'status', r.status, 'category_ids', r.category_ids,
    'categories', r.categories, 'unit_id', r.unit_id, 'unit', r.unit,
    'participant_unit_ids', r.participant_unit_ids, 'summary', r.summary,
    'sections', r.sections, 'implementer', r.implementer, 'partners', r.partners,
    'contacts', r.contacts, 'attachments', r.attachments, 'keywords', r.keywords,
    'entered_on', r.entered_on, 'revised_on', r.revised_on, 'source', r.source,
    'external_id', r.external_id, 'version', r.version, 'created_at', r.created_at,
    'updated_at', r.updated_at)
FROM practice_rows(practice_ids, with_private) r
$$;
