/* The request flow every resource shares: read one (ETag, If-None-Match),
 * create (201, Location, Idempotency-Key), replace and merge-patch (If-Match,
 * optimistic retry), delete. A resource plugs in its tables and store. */
#ifndef BDP_RESOURCE_H
#define BDP_RESOURCE_H

#include "bdp/buf.h"
#include "bdp/db.h"
#include "bdp/http.h"
#include "bdp/jsonv.h"

/* A document rendered by PostgreSQL, with its version for the ETag. */
struct doc {
    int version;
    struct buf json;
};

struct resource {
    const char *name;       /* "practice": used in messages */
    const char *collection; /* "/v1/practices": Location is collection/id */
    const struct jv_spec *create_spec;
    const struct jv_spec *replace_spec;
    /* Checks beyond the table (consistency between fields); may be NULL. */
    bool (*check)(json_t *in, struct problem *pb);
    /* Renders id as who may see it; false with pb 404 if none. */
    bool (*render)(struct db_conn *c, long long id, bool with_private, struct doc *out,
                   struct problem *pb);
    /* Inserts rec (parent_id: the path's {id} for nested collections). */
    bool (*insert)(struct db_conn *c, const struct record *rec, long long parent_id, long long *id,
                   struct problem *pb);
    /* Replaces id at version; false + ERR_PRECONDITION_FAILED if the row has moved on. */
    bool (*update)(struct db_conn *c, long long id, int version, const struct record *rec,
                   struct problem *pb);
    bool (*remove)(struct db_conn *c, long long id, int version, struct problem *pb);
    /* May who write? current: stored document (NULL on create); next: the
     * input (NULL on delete); parent_id as for insert. */
    bool (*authorize)(struct db_conn *c, const struct principal *who, json_t *current, json_t *next,
                      long long parent_id, struct problem *pb);
};

/* Route handlers for r->res: the route table names them with the resource. */
void resource_get(struct req *r);
void resource_create(struct req *r);
void resource_replace(struct req *r);
void resource_patch(struct req *r);
void resource_delete(struct req *r);

/* Writes that only editors and admins may make (units, categories). */
bool resource_editors_only(struct db_conn *c, const struct principal *who, json_t *current,
                           json_t *next, long long parent_id, struct problem *pb);

struct query;
/* Starts a list ordered by id: parses the query against allowed (which must
 * list "limit" and "cursor"), limit 1..200 (default 20), and the cursor into
 * after_id ("" if none). false + 400 naming the parameter. */
bool resource_list_start(struct req *r, struct query *q, const char *const *allowed, int *limit,
                         char after_id[24], struct problem *pb) __attribute__((warn_unused_result));
/* Sends {items, next_cursor, total[, extra]}; with a next cursor also the
 * Link header to the same query with that cursor. items: a JSON array
 * text; extra (may be NULL): further members, e.g. "facets":{...}. */
void resource_send_list(struct req *r, const struct query *q, const char *items,
                        const char *next_cursor, long long total, const char *extra);
/* The same answer as text: the body, and the Link header's value (empty
 * without a next page) appended to link. */
void resource_list_json(const struct req *r, const struct query *q, const char *items,
                        const char *next_cursor, long long total, const char *extra,
                        struct buf *body, struct buf *link);

void doc_cleanup(struct doc *d);

#endif
