-- Typo tolerance on titles: a query word that matches no indexed word and
-- is no Polish word is also looked for as the title words most like it
-- (pg_trgm), so that "rewitalizajca" finds "Rewitalizacja"
-- (docs/DESIGN.md, "Search"). Known words are searched as before.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- The words of titles, lowercased as bdp_words splits them, with their
-- form without diacritics, which is what similarity compares (a typo typed
-- without diacritics, "srodmiescai", is as near "śródmieścia" as one typed
-- with them). The indexer adds a title's words when it stores its vectors
-- (src/indexer.c); words of changed or deleted titles stay: it is a
-- vocabulary, not an index of practices.
CREATE TABLE search_title_word (
    word  text PRIMARY KEY,
    plain text NOT NULL
);

INSERT INTO search_title_word (word, plain)
SELECT w, unaccent(w)
FROM (SELECT DISTINCT w FROM practice p,
      unnest(tsvector_to_array(to_tsvector('bdp_words', p.title))) w) t;

-- This GIN index, and 0008's on search_word.lexemes (which also tells
-- whether a query word is known: some indexed word shares one of its
-- lexemes, "szkola" is known when "szkoła" was indexed), take each insert
-- into their tree at once (fastupdate off): a pending list is read through
-- by every look-up until a vacuum empties it, and 14,000 pending trigrams
-- made one take 8 ms instead of 0.6 ms. An insert costs more so (a new
-- title word about 0.1 ms, a new indexed word a few µs), paid by the
-- indexer.
CREATE INDEX search_title_word_plain_idx ON search_title_word
    USING gin (plain gin_trgm_ops) WITH (fastupdate = off);
ALTER INDEX search_word_lexemes_idx SET (fastupdate = off);

-- The lexemes of the title words most like typo, compared without
-- diacritics: those with trigram similarity 0.4 or more and within 0.05 of
-- the most similar one, at most three (the most similar first). Measured
-- with 391 typos (a wrong, missing, extra or swapped letter inside a title
-- word of six letters or more) among the 85,000 title words of the
-- benchmark's 100,000 practices: the word meant is among them for 98%,
-- with 0.16 unrelated words a typo; 0.4 alone brought 0.48 unrelated
-- words, 0.5 found 72%. 0.4 takes a wrong or missing letter in a word of
-- six letters or more, an extra one in five, two swapped in nine (fewer
-- near the end). The index uses the threshold too: at pg_trgm's default
-- 0.3 a look-up matched four times as many words and took 1.1 ms, not 0.7.
CREATE FUNCTION search_title_typos(typo text) RETURNS text[]
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET pg_trgm.similarity_threshold = 0.4 AS $$
BEGIN
    RETURN ARRAY(SELECT DISTINCT x.lexeme
                 FROM (SELECT c.word FROM
                           (SELECT t.word, similarity(t.plain, unaccent(typo)) AS sim,
                                   max(similarity(t.plain, unaccent(typo))) OVER () AS best
                            FROM search_title_word t WHERE t.plain % unaccent(typo)) c
                       WHERE c.sim >= c.best - 0.05 ORDER BY c.sim DESC, c.word LIMIT 3) t
                 LEFT JOIN search_word s ON s.word = t.word,
                 unnest(coalesce(s.lexemes, search_lexemes(t.word))) x (lexeme));
END $$;

-- A query in web-search syntax ("phrase", -word, or) with each word
-- replaced by the alternatives of its lexemes, as in 0004 and in the same
-- order (a word's alternatives may hold another query word, which is then
-- rewritten in them too), taking the lexemes search_word holds rather than
-- stemming the word again. A word that may be a typo also gets the
-- lexemes of the title words most like it (search_title_typos): one the
-- query looks for (not under "-"), of four letters or more, without a
-- digit, that the Polish dictionary does not know (391 typos of 391 were
-- not words) and that shares no lexeme with any indexed word. At most
-- three words of a query are looked up so, which bounds the cost of a long
-- query of unknown words. Never raises on odd input: websearch_to_tsquery
-- accepts anything.
-- Its statements are planned once for any values, and never scan a table:
-- planned again for each word's lexemes, the check took 0.07 ms more; with
-- scans allowed, the plan for any lexemes scanned search_word for a word
-- that has one, which read all of it (0.1 s) for a typo, instead of asking
-- the index (0.04 ms).
CREATE OR REPLACE FUNCTION search_query(q text) RETURNS tsquery
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET plan_cache_mode = force_generic_plan SET enable_seqscan = off AS $$
DECLARE
    result tsquery := websearch_to_tsquery('bdp_words', q);
    wanted text[]; -- the words not under "-"; NULL: all of them, or not needed yet
    typos integer := 0;
    w text;
    lex text[];
    l text;
    alt tsquery;
BEGIN
    FOR w IN SELECT DISTINCT x FROM unnest(tsvector_to_array(to_tsvector('bdp_words', q))) x LOOP
        SELECT s.lexemes INTO lex FROM search_word s WHERE s.word = w;
        IF NOT FOUND THEN
            lex := search_lexemes(w);
            -- one lexeme: the dictionary has no stem for it (search_lexemes)
            IF typos < 3 AND cardinality(lex) = 1 AND length(w) >= 4 AND w !~ '[0-9]' THEN
                IF wanted IS NULL AND strpos(q, '-') > 0 THEN
                    wanted := search_query_lexemes(websearch_to_tsquery('bdp_words', q));
                END IF;
                IF (wanted IS NULL OR w = ANY (wanted))
                   AND NOT EXISTS (SELECT 1 FROM search_word s WHERE s.lexemes && lex) THEN
                    typos := typos + 1;
                    lex := lex || search_title_typos(w);
                END IF;
            END IF;
        END IF;
        alt := NULL;
        FOR l IN SELECT DISTINCT x FROM unnest(lex) x LOOP
            alt := CASE WHEN alt IS NULL THEN search_term(l) ELSE alt || search_term(l) END;
        END LOOP;
        IF alt IS NOT NULL AND alt::text <> search_term(w)::text THEN
            result := ts_rewrite(result, search_term(w), alt);
        END IF;
    END LOOP;
    RETURN result;
END $$;
