/* Search hits with their matched words marked: HTML-escaped text with
 * <mark> around each word whose lowercase form is one of the given words
 * (PostgreSQL names them: search_marked_words). Pure. */
#ifndef BDP_HIGHLIGHT_H
#define BDP_HIGHLIGHT_H

#include "bdp/buf.h"

#include <stddef.h>

/* Appends text (valid UTF-8) to out, escaped for HTML, with the words in
 * words (lowercase, sorted by highlight_sort, borrowed) marked: a search's
 * list may hold thousands, looked up for every word of every hit. With window > 0 and more words
 * than that, only window words are kept, starting a little before the first marked one, and "…"
 * stands for what was cut. */
void highlight(struct buf *out, const char *text, const char *const *words, size_t nwords,
               size_t window);

/* Sorts words into the order highlight() wants them in. */
void highlight_sort(const char **words, size_t nwords);

/* Lowercases one code point of Latin letters (Polish included); others as
 * they are. */
unsigned highlight_lower(unsigned cp);

#endif
