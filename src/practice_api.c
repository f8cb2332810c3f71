/* HTTP <-> domain for practices: the shared resource flow plus the list. */
#include "bdp/practice_api.h"

#include "bdp/practice_json.h"
#include "bdp/practice_store.h"
#include "bdp/resource.h"
#include "bdp/server.h"

#include <string.h>

bool practice_api_may_change(const struct principal *who, const char *source, struct problem *pb)
{
    if (auth_is_editor(who))
        return true;
    if (who->role == ROLE_PARTNER && source && strcmp(source, who->source) == 0)
        return true;
    problem_set(pb, ERR_FORBIDDEN, "This key may change only practices of source \"%s\".",
                who->source);
    return false;
}

/* Partners write only their own source, which their key gives. */
static bool authorize(struct db_conn *c, const struct principal *who, json_t *current, json_t *next,
                      long long parent_id, struct problem *pb)
{
    if (current &&
        !practice_api_may_change(who, json_string_value(json_object_get(current, "source")), pb))
        return false;
    if (!next || auth_is_editor(who))
        return true;
    json_t *src = json_object_get(next, "source");
    if (!src || json_is_null(src)) {
        json_object_set_new(next, "source", json_string(who->source));
        return true;
    }
    return practice_api_may_change(who, json_string_value(src), pb);
}

const struct resource practice_resource = {
    .name = "practice",
    .collection = "/v1/practices",
    .create_spec = &practice_create_spec,
    .replace_spec = &practice_replace_spec,
    .check = practice_json_check,
    .render = practice_store_render,
    .insert = practice_store_insert,
    .update = practice_store_update,
    .remove = practice_store_remove,
    .authorize = authorize,
};

void practice_api_put_by_source(struct req *r)
{
    struct problem pb;
    long long id = 0;
    problem_init(&pb);
    const char *source = r->names.value[0], *external_id = r->names.value[1];
    struct db_conn *c = db_take(r->srv->primary, &pb);
    bool ok = c && practice_store_find_by_source(c, source, external_id, &id, &pb);
    db_give(c);
    if (!ok) {
        http_fail(r, &pb);
        return;
    }
    r->res = &practice_resource;
    r->preset_field[0] = "source";
    r->preset_value[0] = source;
    r->preset_field[1] = "external_id";
    r->preset_value[1] = external_id;
    if (id) {
        r->id = id;
        resource_replace(r);
    } else if (http_header(r, "If-Match")) {
        /* If-Match names a version of something that does not exist. */
        problem_set(&pb, ERR_PRECONDITION_FAILED, "There is no practice %s/%s to match.", source,
                    external_id);
        http_fail(r, &pb);
    } else {
        resource_create(r);
    }
}
