-- Search: Polish full text through a cache of stemmed words, a narrow table
-- of what search filters, sorts and counts, and a queue that bdp's indexer
-- drains in the background (docs/DESIGN.md, "Search").

CREATE EXTENSION IF NOT EXISTS unaccent;

-- Debian's hunspell-pl, which postgresql-common's pg_updatedicts converts
-- into tsearch_data/pl_pl.{dict,affix} (scripts/install-deps).
CREATE TEXT SEARCH DICTIONARY bdp_ispell (TEMPLATE = ispell, DictFile = pl_pl, AffFile = pl_pl);

-- Words with their positions, lowercased, not stemmed: stemming costs about
-- 15 µs a word, so it is done once per distinct word (search_word) instead.
CREATE TEXT SEARCH CONFIGURATION bdp_words (COPY = simple);

-- What a word matches: its stems and its form without diacritics, so that
-- "dziecka" meets "dziecko" and "zory" meets "Żory". A query word and a
-- document word match when their lexemes meet. One expression, so that it
-- is inlined (a sub-select here cost three times as much); a lexeme may
-- come twice, which tsvector input and tsquery alternatives absorb.
CREATE FUNCTION search_lexemes(word text) RETURNS text[]
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN coalesce(ts_lexize('bdp_ispell', word), '{}') || unaccent(word);

-- Every word indexed so far with its lexemes: the indexer's memory across
-- restarts, and what highlighting looks words up in.
CREATE TABLE search_word (
    word    text PRIMARY KEY,
    lexemes text[] NOT NULL
);

-- One lexeme as a tsquery, quoted as tsquery's input wants.
CREATE FUNCTION search_term(lexeme text) RETURNS tsquery
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ('''' || replace(replace(lexeme, '\', '\\'), '''', '''''') || '''')::tsquery;

-- A query in web-search syntax ("phrase", -word, or) with each word
-- replaced by the alternatives of its lexemes. Never raises on odd input:
-- websearch_to_tsquery accepts anything.
CREATE FUNCTION search_query(q text) RETURNS tsquery
    LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
    result tsquery := websearch_to_tsquery('bdp_words', q);
    w text;
    l text;
    alt tsquery;
BEGIN
    FOR w IN SELECT DISTINCT x FROM unnest(tsvector_to_array(to_tsvector('bdp_words', q))) x LOOP
        alt := NULL;
        FOR l IN SELECT DISTINCT x FROM unnest(search_lexemes(w)) x LOOP
            alt := CASE WHEN alt IS NULL THEN search_term(l) ELSE alt || search_term(l) END;
        END LOOP;
        IF alt IS NOT NULL AND alt::text <> search_term(w)::text THEN
            result := ts_rewrite(result, search_term(w), alt);
        END IF;
    END LOOP;
    RETURN result;
END $$;

-- The lexemes a query looks for (not those it excludes), to mark in a hit.
CREATE FUNCTION search_query_lexemes(q tsquery) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY(SELECT DISTINCT replace(replace(m[1], '''''', ''''), '\\', '\')
                 FROM regexp_matches(querytree(q), '''((?:[^'']|'''')*)''', 'g') m);

-- The words of text (lowercased, as bdp_words splits them) that match one
-- of wanted; the server puts <mark> around them.
CREATE FUNCTION search_marked_words(t text, wanted text[]) RETURNS text[]
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN ARRAY(SELECT r.w FROM unnest(tsvector_to_array(to_tsvector('bdp_words', t))) r (w)
                 LEFT JOIN search_word s ON s.word = r.w
                 WHERE coalesce(s.lexemes, search_lexemes(r.w)) && wanted);

-- The words of a practice, weighted: title A, summary and keywords B,
-- sections C, implementer, partners and the unit D. The indexer
-- (src/indexer.c) replaces each word by its lexemes (search_lexemes,
-- remembered in search_word) to make practice_search.vector.
CREATE FUNCTION search_words(p practice, u unit) RETURNS tsvector
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN setweight(to_tsvector('bdp_words', p.title), 'A')
        || setweight(to_tsvector('bdp_words', p.summary) || to_tsvector('bdp_words', p.keywords), 'B')
        || setweight(to_tsvector('bdp_words', p.sections), 'C')
        || setweight(to_tsvector('bdp_words', concat_ws(' ',
                         p.implementer ->> 'name', p.implementer ->> 'locality', u.name, u.county))
                     || to_tsvector('bdp_words', p.partners), 'D');

-- What search filters, sorts and counts, one narrow row a practice, kept
-- current by the triggers below in the writing transaction. Only vector
-- lags: the indexer fills it (docs/DESIGN.md states the bound).
CREATE TABLE practice_search (
    practice_id  integer PRIMARY KEY REFERENCES practice (id) ON DELETE CASCADE,
    status       text NOT NULL,
    unit_id      integer NOT NULL,
    voivodeship  text,
    unit_type    text NOT NULL,
    teryt        text,
    population   integer,
    category_ids integer[] NOT NULL, -- its categories and their areas
    entered_on   date NOT NULL,
    updated_at   timestamptz NOT NULL,
    title        text NOT NULL COLLATE "pl-x-icu",
    source       text,
    external_id  text,
    title_vector tsvector, -- the title's lexemes alone: ranks cheaply
    vector       tsvector  -- everything; NULL until indexed
);
ALTER TABLE practice_search ALTER COLUMN vector SET STORAGE EXTERNAL;
CREATE INDEX practice_search_vector_idx ON practice_search USING gin (vector);
CREATE INDEX practice_search_title_vector_idx ON practice_search USING gin (title_vector);
CREATE INDEX practice_search_entered_idx ON practice_search (entered_on DESC, practice_id DESC);
CREATE INDEX practice_search_updated_idx ON practice_search (updated_at DESC, practice_id DESC);
CREATE INDEX practice_search_title_idx ON practice_search (title, practice_id);
CREATE INDEX practice_search_categories_idx ON practice_search USING gin (category_ids);
CREATE INDEX practice_search_unit_idx ON practice_search (unit_id);
CREATE INDEX practice_search_teryt_idx ON practice_search (teryt text_pattern_ops);

-- Practices whose vector is missing or stale, oldest request first.
CREATE TABLE search_queue (
    practice_id integer PRIMARY KEY REFERENCES practice (id) ON DELETE CASCADE,
    queued_at   timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- Brings the rows of practice_search for ids up to date (all but vector).
CREATE FUNCTION search_sync(ids integer[]) RETURNS void LANGUAGE sql AS $$
INSERT INTO practice_search AS s (practice_id, status, unit_id, voivodeship, unit_type, teryt,
                                  population, category_ids, entered_on, updated_at, title,
                                  source, external_id)
SELECT p.id, p.status, p.unit_id, u.voivodeship, u.type, u.teryt, u.population,
       ARRAY(SELECT DISTINCT x FROM practice_category pc
             JOIN category c ON c.id = pc.category_id,
             LATERAL (VALUES (c.id), (c.parent_id)) v (x)
             WHERE pc.practice_id = p.id AND x IS NOT NULL ORDER BY x),
       p.entered_on, p.updated_at, p.title, p.source, p.external_id
FROM practice p JOIN unit u ON u.id = p.unit_id
WHERE p.id = ANY (ids)
ORDER BY p.id -- rows are locked in id order, as the indexer locks them
ON CONFLICT (practice_id) DO UPDATE SET
    status = excluded.status, unit_id = excluded.unit_id, voivodeship = excluded.voivodeship,
    unit_type = excluded.unit_type, teryt = excluded.teryt, population = excluded.population,
    category_ids = excluded.category_ids, entered_on = excluded.entered_on,
    updated_at = excluded.updated_at, title = excluded.title, source = excluded.source,
    external_id = excluded.external_id
$$;

-- Queues ids for the indexer. DO UPDATE, not DO NOTHING: it locks a row
-- that is already queued, so the indexer (SKIP LOCKED) cannot take it and
-- read the text before this write commits; a row the indexer holds makes
-- this wait for it, then queue anew. Writers queue before they touch
-- practice_search, as the indexer does, so the two never deadlock.
CREATE FUNCTION search_enqueue(ids integer[]) RETURNS void LANGUAGE sql AS $$
INSERT INTO search_queue (practice_id) SELECT DISTINCT unnest(ids) ORDER BY 1
ON CONFLICT (practice_id) DO UPDATE SET queued_at = excluded.queued_at
$$;

-- Statement triggers with transition tables: one sync per statement, so a
-- bulk insert of thousands of rows pays once.
CREATE FUNCTION search_practice_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids integer[] := ARRAY(SELECT id FROM new_rows);
BEGIN
    PERFORM search_enqueue(ids);
    PERFORM search_sync(ids);
    RETURN NULL;
END $$;

CREATE FUNCTION search_practice_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM search_enqueue(ARRAY(
        SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE (n.title, n.summary, n.sections, n.keywords, n.implementer, n.partners, n.unit_id)
              IS DISTINCT FROM
              (o.title, o.summary, o.sections, o.keywords, o.implementer, o.partners, o.unit_id)));
    PERFORM search_sync(ARRAY(SELECT id FROM new_rows));
    RETURN NULL;
END $$;

CREATE FUNCTION search_categories_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM search_sync(ARRAY(SELECT DISTINCT practice_id FROM old_rows));
    ELSE
        PERFORM search_sync(ARRAY(SELECT DISTINCT practice_id FROM new_rows));
    END IF;
    RETURN NULL;
END $$;

-- A unit's name and county are searched; its type, place and size filter.
CREATE FUNCTION search_unit_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM search_enqueue(ARRAY(
        SELECT p.id FROM practice p JOIN new_rows n ON n.id = p.unit_id
        JOIN old_rows o ON o.id = n.id
        WHERE (n.name, n.county) IS DISTINCT FROM (o.name, o.county)));
    PERFORM search_sync(ARRAY(
        SELECT p.id FROM practice p JOIN new_rows n ON n.id = p.unit_id
        JOIN old_rows o ON o.id = n.id
        WHERE (n.type, n.voivodeship, n.teryt, n.population)
              IS DISTINCT FROM (o.type, o.voivodeship, o.teryt, o.population)));
    RETURN NULL;
END $$;

-- A category moved under another area: its practices count elsewhere.
CREATE FUNCTION search_category_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM search_sync(ARRAY(
        SELECT DISTINCT pc.practice_id FROM practice_category pc
        JOIN category c ON c.id = pc.category_id
        JOIN new_rows n ON n.id = c.id OR n.id = c.parent_id
        JOIN old_rows o ON o.id = n.id
        WHERE n.parent_id IS DISTINCT FROM o.parent_id));
    RETURN NULL;
END $$;

CREATE TRIGGER practice_search_insert AFTER INSERT ON practice
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION search_practice_inserted();
CREATE TRIGGER practice_search_update AFTER UPDATE ON practice
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION search_practice_updated();
CREATE TRIGGER practice_category_search_insert AFTER INSERT ON practice_category
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION search_categories_changed();
CREATE TRIGGER practice_category_search_update AFTER UPDATE ON practice_category
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION search_categories_changed();
CREATE TRIGGER practice_category_search_delete AFTER DELETE ON practice_category
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION search_categories_changed();
CREATE TRIGGER unit_search_update AFTER UPDATE ON unit
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION search_unit_updated();
CREATE TRIGGER category_search_update AFTER UPDATE ON category
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION search_category_updated();

-- Existing practices (a database migrated with data) are synced and queued.
SELECT search_sync(ARRAY(SELECT id FROM practice));
SELECT search_enqueue(ARRAY(SELECT id FROM practice));
