/* HTTP <-> domain for units. */
#include "bdp/unit_api.h"

#include "bdp/query.h"
#include "bdp/resource.h"
#include "bdp/server.h"
#include "bdp/teryt.h"
#include "bdp/unit_json.h"
#include "bdp/unit_store.h"

const struct resource unit_resource = {
    .name = "unit",
    .collection = "/v1/units",
    .create_spec = &unit_spec,
    .replace_spec = &unit_spec,
    .check = unit_json_check,
    .render = unit_store_render,
    .insert = unit_store_insert,
    .update = unit_store_update,
    .remove = unit_store_remove,
    .authorize = resource_editors_only,
};

void unit_api_list(struct req *r)
{
    static const char *const allowed[] = {"type",  "voivodeship", "teryt", "q",
                                          "limit", "cursor",      NULL};
    struct problem pb;
    struct query q = {0};
    struct buf items = BUF_INIT, next = BUF_INIT;
    struct unit_filter f = {0};
    struct db_conn *c = NULL;
    char after[24];
    long long total = 0;
    problem_init(&pb);

    if (!resource_list_start(r, &q, allowed, &f.limit, after, &pb) ||
        !query_enum(&q, "type", unit_types, &f.type, &pb) ||
        !query_enum(&q, "voivodeship", voivodeships, &f.voivodeship, &pb))
        goto out;
    f.teryt_prefix = query_get(&q, "teryt");
    f.name_like = query_get(&q, "q");
    f.after_id = after[0] ? after : NULL;
    if (!(c = db_take(r->srv->reader, &pb)) || !unit_store_list(c, &f, &items, &next, &total, &pb))
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
