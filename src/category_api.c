/* HTTP <-> domain for categories. */
#include "bdp/category_api.h"

#include "bdp/category_json.h"
#include "bdp/category_store.h"
#include "bdp/query.h"
#include "bdp/resource.h"
#include "bdp/server.h"

const struct resource category_resource = {
    .name = "category",
    .collection = "/v1/categories",
    .create_spec = &category_spec,
    .replace_spec = &category_spec,
    .check = category_json_check,
    .render = category_store_render,
    .insert = category_store_insert,
    .update = category_store_update,
    .remove = category_store_remove,
    .authorize = resource_editors_only,
};

void category_api_list(struct req *r)
{
    static const char *const allowed[] = {"parent_id", "limit", "cursor", NULL};
    struct problem pb;
    struct query q = {0};
    struct buf items = BUF_INIT, next = BUF_INIT;
    struct db_conn *c = NULL;
    char after[24];
    int limit;
    long long parent, total = 0;
    problem_init(&pb);

    if (!resource_list_start(r, &q, allowed, &limit, after, &pb) ||
        !query_int(&q, "parent_id", 1, 2147483647, 0, &parent, &pb))
        goto out;
    if (!(c = db_take(r->srv->reader, &pb)) ||
        !category_store_list(c, query_get(&q, "parent_id"), limit, after[0] ? after : NULL, &items,
                             &next, &total, &pb))
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
