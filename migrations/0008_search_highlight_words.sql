-- Highlighting looks up the words a query marks once a request, not each
-- word of each hit: the words indexed so far (search_word) that have one of
-- the query's lexemes. Per hit, search_marked_words split the title and
-- summary and looked up every word: 12-16 ms of a 20-hit page on 100,000
-- practices (bench/RESULTS.md "Search"), against about 1 ms for this.
CREATE INDEX search_word_lexemes_idx ON search_word USING gin (lexemes);

-- The words (lowercased, as bdp_words splits text) that match one of the
-- lexemes q looks for: the server puts <mark> around them in a hit's title
-- and summary. At most 10,000 (a query of many common words), which bounds
-- the answer; a word of a text changed since it was indexed is not marked
-- until it is indexed.
CREATE FUNCTION search_marked_vocabulary(q tsquery) RETURNS json
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN (SELECT coalesce(json_agg(w.word), '[]')
            FROM (SELECT word FROM search_word
                  WHERE lexemes && search_query_lexemes(q) LIMIT 10000) w);
