/* A practice's document put together from practice_rows' columns
 * (migrations/0010): the same bytes practice_docs and practice_json
 * render in the database, without PostgreSQL escaping the long texts. */
#ifndef BDP_PRACTICE_DOC_H
#define BDP_PRACTICE_DOC_H

#include "bdp/buf.h"

#include <libpq-fe.h>

/* practice_rows' columns, and where two of them are among them. */
#define PRACTICE_DOC_COLUMNS 22
#define PRACTICE_DOC_TITLE 1
#define PRACTICE_DOC_SUMMARY 8

/* Appends the document of row r[row], whose practice_rows columns start
 * at col (PRACTICE_DOC_COLUMNS of them). */
void practice_doc_write(struct buf *out, const PGresult *r, int row, int col);

#endif
