/* The shared read/create/replace/patch/delete flow of every resource. */
#include "bdp/resource.h"

#include "bdp/cursor.h"
#include "bdp/feed.h"
#include "bdp/idempotency.h"
#include "bdp/query.h"
#include "bdp/server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WRITE_ATTEMPTS 3

static const char *const json_types[] = {"application/json", NULL};
static const char *const patch_types[] = {"application/merge-patch+json", "application/json", NULL};

void doc_cleanup(struct doc *d)
{
    buf_free(&d->json);
}

/* Entity-tag list of If-Match / If-None-Match: "*" or "N", W/"N", comma
 * separated. Returns false for a malformed header (400). */
struct etags {
    bool present, any;
    int n;
    int versions[8];
};

static bool parse_etags(const char *h, const char *name, struct etags *t, struct problem *pb)
{
    memset(t, 0, sizeof *t);
    if (!h)
        return true;
    t->present = true;
    const char *p = h;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (!*p)
            break;
        if (*p == '*') {
            t->any = true;
            p++;
            continue;
        }
        if (strncmp(p, "W/", 2) == 0)
            p += 2;
        char *end;
        long v = *p == '"' ? strtol(p + 1, &end, 10) : -1;
        if (v < 0 || v > 2147483647L || *p != '"' || *end != '"' || t->n == 8) {
            problem_kind_field(pb, ERR_BAD_REQUEST, name,
                               "must be \"*\" or entity tags like "
                               "\"3\"");
            return false;
        }
        t->versions[t->n++] = (int)v;
        p = end + 1;
    }
    return true;
}

static bool etags_match(const struct etags *t, int version)
{
    if (t->any)
        return true;
    for (int i = 0; i < t->n; i++)
        if (t->versions[i] == version)
            return true;
    return false;
}

static void send_doc(struct req *r, int status, struct doc *d)
{
    http_add_header(r, "ETag", "\"%d\"", d->version);
    http_send_json(r, status, buf_cstr(&d->json), d->json.len);
}

void resource_get(struct req *r)
{
    const struct resource *res = r->res;
    struct problem pb;
    struct doc d = {0, BUF_INIT};
    struct etags inm;
    problem_init(&pb);
    if (!parse_etags(http_header(r, "If-None-Match"), "If-None-Match", &inm, &pb))
        goto out;
    struct db_conn *c = db_take(r->srv->reader, &pb);
    if (!c)
        goto out;
    bool found = res->render(c, r->id, auth_sees_private(&r->who), &d, &pb);
    db_give(c);
    if (!found)
        goto out;
    if (inm.present && etags_match(&inm, d.version)) {
        http_add_header(r, "ETag", "\"%d\"", d.version);
        http_send(r, 304, NULL, NULL, 0);
        goto out;
    }
    send_doc(r, 200, &d);
out:
    http_fail(r, &pb);
    doc_cleanup(&d);
}

/* Anonymous callers may not write (401), readers neither (403). */
static bool may_write(struct req *r, struct problem *pb)
{
    if (r->who.role == ROLE_ANONYMOUS) {
        problem_set(pb, ERR_UNAUTHORIZED, "Writing needs an API key.");
        return false;
    }
    if (r->who.role == ROLE_READER) {
        problem_set(pb, ERR_FORBIDDEN, "A reader key cannot write.");
        return false;
    }
    return true;
}

bool resource_editors_only(struct db_conn *c, const struct principal *who, json_t *current,
                           json_t *next, long long parent_id, struct problem *pb)
{
    if (auth_is_editor(who))
        return true;
    problem_set(pb, ERR_FORBIDDEN, "Only editor and admin keys may change this resource.");
    return false;
}

/* Reads and parses the body of a write; NULL with pb set. */
static json_t *read_input(struct req *r, const char *const *types, struct problem *pb)
{
    struct buf body = BUF_INIT;
    json_t *in = NULL;
    if (http_content_type_is(r, types, pb) &&
        http_read_body(r, r->srv->cfg->num[CFG_MAX_BODY_BYTES], &body, pb))
        in = jsonv_parse_object(buf_cstr(&body), body.len, pb);
    buf_free(&body);
    for (int i = 0; in && i < 2 && r->preset_field[i]; i++) {
        json_t *v = json_object_get(in, r->preset_field[i]);
        if (!v || json_is_null(v))
            json_object_set_new(in, r->preset_field[i], json_string(r->preset_value[i]));
        else if (!json_is_string(v) || strcmp(json_string_value(v), r->preset_value[i]) != 0)
            problem_field(pb, r->preset_field[i], "must be the same as in the path");
    }
    if (in && pb->kind) {
        json_decref(in);
        in = NULL;
    }
    return in;
}

/* The field table; the resource's cross-field check comes after authorize,
 * which may fill fields in (a partner's source). */
static bool validate(const struct jv_spec *spec, json_t *in, struct problem *pb)
{
    return jsonv_check(in, spec, "", pb);
}

static bool cross_check(const struct resource *res, json_t *in, struct problem *pb)
{
    return !res->check || res->check(in, pb);
}

static bool valid_idempotency_key(const char *k)
{
    size_t n = strlen(k);
    if (n == 0 || n > 255)
        return false;
    for (; *k; k++)
        if (*k < 0x21 || *k > 0x7e)
            return false;
    return true;
}

/* The ETag of a replayed answer is the version in its stored body. */
static void replay_etag(struct req *r, struct buf *body)
{
    json_t *doc = json_loadb(buf_cstr(body), body->len, 0, NULL);
    json_t *v = json_object_get(doc, "version");
    if (json_is_integer(v))
        http_add_header(r, "ETag", "\"%lld\"", (long long)json_integer_value(v));
    json_decref(doc);
}

void resource_create(struct req *r)
{
    const struct resource *res = r->res;
    struct problem pb;
    struct doc d = {0, BUF_INIT};
    struct record rec = {0};
    struct idem_reply replay = {0, BUF_INIT, BUF_INIT};
    struct buf request = BUF_INIT, location = BUF_INIT;
    struct db_conn *c = NULL;
    json_t *in = NULL;
    struct db_err e;
    long long id = 0;
    problem_init(&pb);

    const char *key = http_header(r, "Idempotency-Key");
    if (key && !valid_idempotency_key(key)) {
        problem_kind_field(&pb, ERR_BAD_REQUEST, "Idempotency-Key",
                           "must be 1 to 255 visible ASCII characters");
        goto out;
    }
    if (!may_write(r, &pb) || !(in = read_input(r, json_types, &pb)) ||
        !validate(res->create_spec, in, &pb))
        goto out;
    if (!(c = db_take(r->srv->primary, &pb)) || !res->authorize(c, &r->who, NULL, in, r->id, &pb) ||
        !cross_check(res, in, &pb))
        goto out;
    jsonv_record(in, res->create_spec, &rec);
    if (!db_command(c, "BEGIN", &e)) {
        db_err_problem(&e, &pb);
        goto out;
    }
    if (key) {
        char *canon = json_dumps(in, JSON_COMPACT | JSON_SORT_KEYS);
        buf_printf(&request, "POST %s %s", r->path, canon);
        free(canon);
        switch (idempotency_claim(c, r->who.name, key, buf_cstr(&request), &replay, &pb)) {
        case IDEM_NEW: break;
        case IDEM_REPLAY:
            if (replay.location.len)
                http_add_header(r, "Location", "%s", buf_cstr(&replay.location));
            http_add_header(r, "Idempotent-Replayed", "true");
            replay_etag(r, &replay.body);
            http_send_json(r, replay.status, buf_cstr(&replay.body), replay.body.len);
            goto out;
        case IDEM_MISMATCH:
            problem_field(&pb, "Idempotency-Key",
                          "was used before with another request body or path");
            goto out;
        case IDEM_ERROR: goto out;
        }
    }
    if (!res->insert(c, &rec, r->id, &id, &pb) || !res->render(c, id, true, &d, &pb))
        goto out;
    buf_printf(&location, "%s/%lld", res->collection, id);
    if (key &&
        !idempotency_save(c, r->who.name, key, 201, buf_cstr(&location), buf_cstr(&d.json), &pb))
        goto out;
    if (!db_command(c, "COMMIT", &e)) {
        db_err_problem(&e, &pb);
        goto out;
    }
    http_add_header(r, "Location", "%s", buf_cstr(&location));
    send_doc(r, 201, &d);
out:
    db_give(c); /* rolls back whatever did not commit */
    http_fail(r, &pb);
    json_decref(in);
    record_cleanup(&rec);
    doc_cleanup(&d);
    idem_reply_cleanup(&replay);
    buf_free(&request);
    buf_free(&location);
}

/* The stored document as a base for merge patch: fields the replace spec
 * refuses (such as contacts of a practice) are dropped. */
static void drop_rejected(json_t *cur, const struct jv_spec *spec)
{
    for (size_t i = 0; i < spec->n; i++)
        if (spec->fields[i].type == JV_REJECT)
            json_object_del(cur, spec->fields[i].name);
}

/* Takes a connection and loads the stored document of r->id as JSON,
 * checked against If-Match. false with pb set (404, 412, 503). */
static bool load_current(struct req *r, const struct resource *res, const struct etags *im,
                         struct db_conn **c, struct doc *cur, json_t **cur_json, struct problem *pb)
{
    if (!(*c = db_take(r->srv->primary, pb)) ||
        !res->render(*c, r->id, auth_sees_private(&r->who), cur, pb))
        return false;
    if (im->present && !etags_match(im, cur->version)) {
        problem_set(pb, ERR_PRECONDITION_FAILED,
                    "The %s is at version %d; If-Match does not match it.", res->name,
                    cur->version);
        return false;
    }
    if (!(*cur_json = json_loadb(cur->json.p, cur->json.len, 0, NULL))) {
        problem_set(pb, ERR_INTERNAL, "The stored %s could not be read.", res->name);
        return false;
    }
    return true;
}

static void write_existing(struct req *r, const struct resource *res, bool patch)
{
    struct problem pb;
    struct doc cur = {0, BUF_INIT}, d = {0, BUF_INIT};
    struct record rec = {0};
    struct etags im;
    struct db_conn *c = NULL;
    json_t *in = NULL, *cur_json = NULL, *next = NULL;
    struct db_err e;
    problem_init(&pb);

    if (!may_write(r, &pb) || !parse_etags(http_header(r, "If-Match"), "If-Match", &im, &pb) ||
        !(in = read_input(r, patch ? patch_types : json_types, &pb)))
        goto out;
    if (!patch && !validate(res->replace_spec, in, &pb))
        goto out;
    for (int attempt = 0;; attempt++) {
        if (!load_current(r, res, &im, &c, &cur, &cur_json, &pb))
            goto out;
        if (patch) {
            drop_rejected(cur_json, res->replace_spec);
            next = jsonv_merge_patch(cur_json, in);
            if (!validate(res->replace_spec, next, &pb))
                goto out;
        } else {
            next = json_incref(in);
        }
        if (!res->authorize(c, &r->who, cur_json, next, 0, &pb) || !cross_check(res, next, &pb))
            goto out;
        jsonv_record(next, res->replace_spec, &rec);
        if (!db_command(c, "BEGIN", &e)) {
            db_err_problem(&e, &pb);
            goto out;
        }
        if (res->update(c, r->id, cur.version, &rec, &pb) && res->render(c, r->id, true, &d, &pb) &&
            db_command(c, "COMMIT", &e))
            break;
        if (pb.kind == ERR_NONE)
            db_err_problem(&e, &pb);
        /* Someone else wrote in between: without If-Match, try again. */
        if (pb.kind != ERR_PRECONDITION_FAILED || im.present || attempt + 1 == WRITE_ATTEMPTS)
            goto out;
        problem_init(&pb);
        db_give(c);
        c = NULL;
        json_decref(cur_json);
        json_decref(next);
        cur_json = next = NULL;
        record_cleanup(&rec);
        doc_cleanup(&cur);
    }
    send_doc(r, 200, &d);
out:
    db_give(c);
    http_fail(r, &pb);
    json_decref(in);
    json_decref(cur_json);
    json_decref(next);
    record_cleanup(&rec);
    doc_cleanup(&cur);
    doc_cleanup(&d);
}

void resource_replace(struct req *r)
{
    write_existing(r, r->res, false);
}

void resource_patch(struct req *r)
{
    write_existing(r, r->res, true);
}

void resource_delete(struct req *r)
{
    const struct resource *res = r->res;
    struct problem pb;
    struct doc cur = {0, BUF_INIT};
    struct etags im;
    struct db_conn *c = NULL;
    json_t *cur_json = NULL;
    problem_init(&pb);

    if (!may_write(r, &pb) || !parse_etags(http_header(r, "If-Match"), "If-Match", &im, &pb))
        goto out;
    for (int attempt = 0;; attempt++) {
        if (!load_current(r, res, &im, &c, &cur, &cur_json, &pb) ||
            !res->authorize(c, &r->who, cur_json, NULL, 0, &pb))
            goto out;
        if (res->remove(c, r->id, cur.version, &pb)) {
            /* Committed on its own, with no COMMIT for db_pool_on_commit:
             * answers cached (or counted in memory) before it must not be
             * served until the feed hears of it. */
            feed_touch(r->srv->feed);
            break;
        }
        if (pb.kind != ERR_PRECONDITION_FAILED || im.present || attempt + 1 == WRITE_ATTEMPTS)
            goto out;
        problem_init(&pb);
        db_give(c);
        c = NULL;
        json_decref(cur_json);
        cur_json = NULL;
        doc_cleanup(&cur);
    }
    http_send(r, 204, NULL, NULL, 0);
out:
    db_give(c);
    http_fail(r, &pb);
    json_decref(cur_json);
    doc_cleanup(&cur);
}

void resource_list_json(const struct req *r, const struct query *q, const char *items,
                        const char *next_cursor, long long total, const char *extra,
                        struct buf *body, struct buf *link)
{
    struct buf next_query = BUF_INIT;
    /* buf_puts, not "%s": a page of documents is 100-200 KB, which
     * vsnprintf measures and copies a byte at a time, twice. */
    buf_puts(body, "{\"items\":");
    buf_puts(body, items);
    buf_puts(body, ",\"next_cursor\":");
    if (next_cursor) {
        for (int i = 0; i < q->n; i++)
            if (strcmp(q->name[i], "cursor") != 0)
                query_append(&next_query, q->name[i], q->value[i]);
        query_append(&next_query, "cursor", next_cursor);
        buf_json_str(body, next_cursor);
        buf_printf(link, "<%s?%s>; rel=\"next\"", r->path, buf_cstr(&next_query));
    } else {
        buf_puts(body, "null");
    }
    buf_printf(body, ",\"total\":%lld", total);
    if (extra) {
        buf_puts(body, ",");
        buf_puts(body, extra);
    }
    buf_puts(body, "}");
    buf_free(&next_query);
}

void resource_send_list(struct req *r, const struct query *q, const char *items,
                        const char *next_cursor, long long total, const char *extra)
{
    struct buf body = BUF_INIT, link = BUF_INIT;
    resource_list_json(r, q, items, next_cursor, total, extra, &body, &link);
    if (link.len)
        http_add_header(r, "Link", "%s", buf_cstr(&link));
    http_send_json(r, 200, body.p, body.len);
    buf_free(&body);
    buf_free(&link);
}

bool resource_list_start(struct req *r, struct query *q, const char *const *allowed, int *limit,
                         char after_id[24], struct problem *pb)
{
    long long lim, after = 0;
    after_id[0] = '\0';
    if (!query_parse(q, r->query, allowed, pb) || !query_int(q, "limit", 1, 200, 20, &lim, pb))
        return false;
    const char *cursor = query_get(q, "cursor");
    if (cursor && !cursor_decode_id(cursor, &after)) {
        problem_kind_field(pb, ERR_BAD_REQUEST, "cursor", "is not a cursor of this list");
        return false;
    }
    if (cursor)
        snprintf(after_id, 24, "%lld", after);
    *limit = (int)lim;
    return true;
}
