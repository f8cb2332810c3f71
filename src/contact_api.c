/* HTTP <-> domain for contacts: who may change one is decided by its
 * practice's source. */
#include "bdp/contact_api.h"

#include "bdp/contact_json.h"
#include "bdp/contact_store.h"
#include "bdp/practice_api.h"
#include "bdp/practice_store.h"
#include "bdp/query.h"
#include "bdp/resource.h"
#include "bdp/server.h"

static bool authorize(struct db_conn *c, const struct principal *who, json_t *current, json_t *next,
                      long long parent_id, struct problem *pb)
{
    long long practice_id =
        current ? (long long)json_integer_value(json_object_get(current, "practice_id"))
                : parent_id;
    char source[64];
    return practice_store_source(c, practice_id, true, source, sizeof source, pb) &&
           practice_api_may_change(who, source, pb);
}

const struct resource contact_resource = {
    .name = "contact",
    .collection = "/v1/contacts",
    .create_spec = &contact_spec,
    .replace_spec = &contact_spec,
    .check = NULL,
    .render = contact_store_render,
    .insert = contact_store_insert,
    .update = contact_store_update,
    .remove = contact_store_remove,
    .authorize = authorize,
};

void contact_api_list(struct req *r)
{
    static const char *const allowed[] = {"limit", "cursor", NULL};
    struct problem pb;
    struct query q = {0};
    struct buf items = BUF_INIT, next = BUF_INIT;
    struct db_conn *c = NULL;
    char after[24], source[64];
    int limit;
    long long total = 0;
    bool priv = auth_sees_private(&r->who);
    problem_init(&pb);

    if (!resource_list_start(r, &q, allowed, &limit, after, &pb))
        goto out;
    if (!(c = db_take(r->srv->reader, &pb)) ||
        !practice_store_source(c, r->id, priv, source, sizeof source, &pb) ||
        !contact_store_list(c, r->id, priv, limit, after[0] ? after : NULL, &items, &next, &total,
                            &pb))
        goto out;
    db_give(c);
    c = NULL;
    resource_send_list(r, &q, buf_cstr(&items), next.len ? buf_cstr(&next) : NULL, total, NULL);
out:
    db_give(c);
    http_fail(r, &pb);
    query_cleanup(&q);
    buf_free(&items);
    buf_free(&next);
}
