/* What every *_store.c does the same way: render one document, insert
 * returning an id, update or delete at a version, list a page. */
#ifndef BDP_STORE_H
#define BDP_STORE_H

#include "bdp/resource.h"

/* st($1 id, $2 with_private) -> (version, json). 404 names what. */
bool store_render(struct db_conn *c, const struct db_stmt *st, const char *what, long long id,
                  bool with_private, struct doc *out, struct problem *pb);
/* st(params) -> (id). Errors through map. */
bool store_insert(struct db_conn *c, const struct db_stmt *st, const char *const *params,
                  const struct db_constraint *map, long long *id, struct problem *pb);
/* st(params), whatever it affects. Errors through map. */
bool store_exec(struct db_conn *c, const struct db_stmt *st, const char *const *params,
                const struct db_constraint *map, struct problem *pb);
/* st(params) affecting one row, or none: then 412 "changed meanwhile". */
bool store_versioned(struct db_conn *c, const struct db_stmt *st, const char *const *params,
                     const struct db_constraint *map, const char *what, struct problem *pb);
/* Copies rec's first n values and appends id and version as $n+1, $n+2. */
void store_params(const struct record *rec, int n, long long id, int version, const char **params,
                  char ids[24], char vs[16]);

/* A page from st(params...) -> (json, id) rows ordered by id, limit + 1
 * fetched; count(params) -> total over the same filters. */
bool store_page_by_id(struct db_conn *c, const struct db_stmt *st, const struct db_stmt *count,
                      const char *const *params, int limit, struct buf *items,
                      struct buf *next_cursor, long long *total, struct problem *pb);
/* Appends rows' first column as a JSON array of at most limit items. */
void store_items(PGresult *r, int limit, struct buf *items);

#endif
