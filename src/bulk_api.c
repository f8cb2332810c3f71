/* HTTP <-> bulk uploads: the body streams from the socket into the upload
 * (bulk.c) a chunk at a time; the answer is its report. */
#include "bdp/bulk_api.h"

#include "bdp/bulk.h"
#include "bdp/config.h"
#include "bdp/query.h"
#include "bdp/server.h"

#include <string.h>

static bool sink(void *ctx, const char *data, size_t len)
{
    return bulk_feed(ctx, data, len);
}

/* The format of the body from its Content-Type; false + 415. */
static bool body_format(struct req *r, enum bulk_kind kind, enum bulk_format *f, struct problem *pb)
{
    static const char *const types[] = {"application/x-ndjson", "application/json", "text/csv",
                                        NULL};
    const char *ct = http_header(r, "Content-Type");
    size_t n = ct ? strcspn(ct, "; \t") : 0;
    for (int i = 0; ct && types[i]; i++)
        if (strlen(types[i]) == n && strncasecmp(ct, types[i], n) == 0) {
            *f = i == 0               ? BULK_NDJSON
                 : i == 1             ? BULK_JSON_ARRAY
                 : kind == BULK_UNITS ? BULK_CSV_OR_TERC
                                      : BULK_CSV;
            return true;
        }
    problem_set(pb, ERR_UNSUPPORTED_MEDIA_TYPE,
                "Content-Type must be application/x-ndjson, application/json (an array) or "
                "text/csv.");
    return false;
}

static bool allowed(struct req *r, enum bulk_kind kind, struct problem *pb)
{
    if (r->who.role == ROLE_ANONYMOUS)
        problem_set(pb, ERR_UNAUTHORIZED, "Bulk uploads need an API key.");
    else if (r->who.role == ROLE_READER)
        problem_set(pb, ERR_FORBIDDEN, "A reader key cannot write.");
    else if (r->who.role == ROLE_PARTNER && kind != BULK_PRACTICES)
        problem_set(pb, ERR_FORBIDDEN, "A partner key uploads practices of its own source only.");
    return pb->kind == ERR_NONE;
}

/* A problem with the upload's report as extension members. */
static void send_refusal(struct req *r, const struct bulk *b, enum err_kind kind,
                         const char *detail)
{
    struct buf report = BUF_INIT, body = BUF_INIT;
    bulk_report(b, &report);
    buf_printf(&body, "{\"type\":\"urn:bdp:problem:%s\",\"title\":", error_slug(kind));
    buf_json_str(&body, error_title(kind));
    buf_printf(&body, ",\"status\":%d,\"detail\":", error_status(kind));
    buf_json_str(&body, detail);
    buf_puts(&body, ",\"instance\":");
    buf_json_str(&body, r->path);
    buf_puts(&body, ",\"request_id\":");
    buf_json_str(&body, r->request_id);
    buf_puts(&body, ",");
    buf_append(&body, report.p + 1, report.len - 1); /* the report's members */
    http_send(r, error_status(kind), "application/problem+json", body.p, body.len);
    buf_free(&report);
    buf_free(&body);
}

void bulk_api_upload(struct req *r)
{
    static const char *const params[] = {"mode", "dry_run", NULL};
    static const char *const modes[] = {"atomic", "partial", NULL};
    static const char *const bools[] = {"true", "false", NULL};
    struct problem pb;
    struct query q = {0};
    struct bulk b = {0};
    struct db_conn *c = NULL;
    const char *mode = NULL, *dry = NULL;
    enum bulk_format format = BULK_NDJSON;
    int kind = 0;
    problem_init(&pb);
    while (kind < BULK_KIND__MAX && strcmp(bulk_kind_names[kind], r->names.value[0]) != 0)
        kind++;
    if (kind == BULK_KIND__MAX) {
        problem_set(&pb, ERR_NOT_FOUND, "Bulk uploads are of practices, units or categories.");
        goto out;
    }
    if (!allowed(r, (enum bulk_kind)kind, &pb) || !query_parse(&q, r->query, params, &pb) ||
        !query_enum(&q, "mode", modes, &mode, &pb) ||
        !query_enum(&q, "dry_run", bools, &dry, &pb) ||
        !body_format(r, (enum bulk_kind)kind, &format, &pb) || !(c = db_take(r->srv->primary, &pb)))
        goto out;
    bool atomic = !mode || strcmp(mode, "atomic") == 0, dry_run = dry && strcmp(dry, "true") == 0;
    if (!bulk_start(&b, c, (enum bulk_kind)kind, format, atomic, dry_run,
                    r->who.role == ROLE_PARTNER ? r->who.source : NULL, &pb))
        goto out;
    bool read = http_read_stream(r, r->srv->cfg->num[CFG_MAX_BULK_BYTES], sink, &b, &pb);
    struct problem fin;
    problem_init(&fin);
    enum bulk_outcome outcome = bulk_finish(&b, !read, &fin);
    if (!read)
        goto out;
    struct buf body = BUF_INIT, detail = BUF_INIT;
    switch (outcome) {
    case BULK_DONE:
        bulk_report(&b, &body);
        http_send_json(r, 200, body.p, body.len);
        break;
    case BULK_REJECTED:
        buf_printf(&detail, "%ld of %ld records failed; nothing was written.", b.failed,
                   b.received);
        send_refusal(r, &b, ERR_VALIDATION, buf_cstr(&detail));
        break;
    case BULK_FORBIDDEN:
        buf_printf(&detail,
                   "Line %ld (and any listed) belongs to another source than this key's "
                   "(\"%s\"); nothing was written.",
                   b.foreign_line, r->who.source);
        send_refusal(r, &b, ERR_FORBIDDEN, buf_cstr(&detail));
        break;
    case BULK_FAILED: pb = fin; break;
    }
    buf_free(&body);
    buf_free(&detail);
out:
    db_give(c);
    http_fail(r, &pb);
    bulk_cleanup(&b);
    query_cleanup(&q);
}
