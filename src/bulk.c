/* One bulk upload: parse, check, write in batches, report. */
#include "bdp/bulk.h"

#include "bdp/bulk_store.h"

#include <stdlib.h>
#include <string.h>

static void add_error(struct bulk *b, long line, const char *field, const char *message)
{
    if (b->n_errors >= BULK_MAX_ERRORS)
        return;
    if (!b->error_at)
        b->error_at = xmalloc(BULK_MAX_ERRORS * sizeof *b->error_at);
    buf_puts(&b->errors, b->n_errors ? "," : "");
    b->error_at[b->n_errors] = (struct bulk_error_at){line, b->errors.len, 0};
    buf_printf(&b->errors, "{\"line\":%ld,\"field\":", line);
    if (field)
        buf_json_str(&b->errors, field);
    else
        buf_puts(&b->errors, "null");
    buf_puts(&b->errors, ",\"message\":");
    buf_json_str(&b->errors, message);
    buf_puts(&b->errors, "}");
    b->error_at[b->n_errors].len = b->errors.len - b->error_at[b->n_errors].off;
    b->n_errors++;
}

static int by_line(const void *x, const void *y)
{
    const struct bulk_error_at *a = x, *b = y;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    return a->off < b->off ? -1 : a->off > b->off;
}

/* Errors arrive out of line order: a batch's database errors come after
 * the next batch's parse and check errors. The report lists them by line
 * (and in the order found within a line). */
static void sort_errors(struct bulk *b)
{
    if (b->n_errors < 2)
        return;
    qsort(b->error_at, (size_t)b->n_errors, sizeof *b->error_at, by_line);
    struct buf sorted = BUF_INIT;
    for (int i = 0; i < b->n_errors; i++) {
        buf_puts(&sorted, i ? "," : "");
        size_t off = sorted.len;
        buf_append(&sorted, b->errors.p + b->error_at[i].off, b->error_at[i].len);
        b->error_at[i].off = off;
    }
    buf_free(&b->errors);
    b->errors = sorted;
}

void bulk_refuse(struct bulk *b, long line, const char *field, const char *why)
{
    b->received++;
    b->failed++;
    add_error(b, line, field, why);
}

static void on_row(void *ctx, long line, const char *outcome, const char *field,
                   const char *message)
{
    struct bulk *b = ctx;
    if (strcmp(outcome, "created") == 0) {
        b->created++;
    } else if (strcmp(outcome, "updated") == 0) {
        b->updated++;
    } else if (strcmp(outcome, "unchanged") == 0) {
        b->unchanged++;
    } else {
        b->failed++;
        add_error(b, line, field, message ? message : "was refused");
    }
}

/* The line a batch record was given ("n", added by on_record). */
static long record_line(const char *json)
{
    json_t *rec = json_loads(json, 0, NULL);
    long line = (long)json_integer_value(json_object_get(rec, "n"));
    json_decref(rec);
    return line;
}

static void free_records(char **records, int *n)
{
    for (int i = 0; i < *n; i++)
        free(records[i]);
    *n = 0;
}

/* After the database refused a batch as a whole: its records again, one
 * at a time, so that the record at fault is named and, in partial mode,
 * the others still go in. */
static void write_each(struct bulk *b, char **records, int n)
{
    struct buf json = BUF_INIT;
    struct problem pb;
    problem_init(&pb);
    for (int i = 0; i < n && pb.kind != ERR_UNAVAILABLE; i++) {
        buf_reset(&json);
        buf_printf(&json, "[%s]", records[i]);
        problem_init(&pb);
        if (!bulk_store_batch(b->c, b->kind, buf_cstr(&json), !b->source, on_row, b, &pb) &&
            pb.kind != ERR_UNAVAILABLE) {
            b->failed++;
            if (pb.n_errors)
                add_error(b, record_line(records[i]), pb.errors[0].field, pb.errors[0].message);
            else
                add_error(b, record_line(records[i]), NULL, pb.detail);
        }
    }
    if (pb.kind == ERR_UNAVAILABLE)
        b->fatal = pb;
    buf_free(&json);
}

/* Waits for the batch the database is writing and takes in its answer.
 * false once the database is gone. */
static bool collect(struct bulk *b)
{
    if (b->sent_n == 0)
        return b->fatal.kind == ERR_NONE;
    struct problem pb;
    problem_init(&pb);
    if (!bulk_store_collect(b->c, on_row, b, &pb)) {
        if (pb.kind == ERR_UNAVAILABLE)
            b->fatal = pb;
        else
            write_each(b, b->sent, b->sent_n);
    }
    free_records(b->sent, &b->sent_n);
    return b->fatal.kind == ERR_NONE;
}

/* Hands the waiting records to the database as one batch and returns
 * while it writes them, so that the next batch is read and checked
 * meanwhile: bdp and PostgreSQL work at the same time. Batches still go
 * in one after the other: the previous one is collected first. false once
 * the database is gone. */
static bool flush(struct bulk *b)
{
    if (!collect(b) || b->batch_n == 0)
        return b->fatal.kind == ERR_NONE;
    struct buf json = BUF_INIT;
    struct problem pb;
    buf_puts(&json, "[");
    for (int i = 0; i < b->batch_n; i++) {
        buf_puts(&json, i ? "," : "");
        buf_puts(&json, b->batch[i]);
    }
    buf_puts(&json, "]");
    problem_init(&pb);
    bool sent = bulk_store_send(b->c, b->kind, buf_cstr(&json), !b->source, &pb);
    buf_free(&json);
    if (sent) {
        char **t = b->sent;
        b->sent = b->batch;
        b->sent_n = b->batch_n;
        b->batch = t;
        b->batch_n = 0;
    } else if (pb.kind == ERR_UNAVAILABLE) {
        b->fatal = pb;
    } else {
        write_each(b, b->batch, b->batch_n);
    }
    free_records(b->batch, &b->batch_n);
    return b->fatal.kind == ERR_NONE;
}

/* A partner writes its own source only: a record naming none gets it. */
static bool own_source(struct bulk *b, json_t *rec, long line)
{
    if (!b->source || b->kind != BULK_PRACTICES)
        return true;
    json_t *src = json_object_get(rec, "source");
    if (!src || json_is_null(src)) {
        json_object_set_new(rec, "source", json_string(b->source));
        return true;
    }
    if (json_is_string(src) && strcmp(json_string_value(src), b->source) == 0)
        return true;
    if (!b->foreign_line)
        b->foreign_line = line;
    struct buf why = BUF_INIT;
    buf_printf(&why, "is another source's: this key writes only source \"%s\"", b->source);
    add_error(b, line, "source", buf_cstr(&why));
    buf_free(&why);
    return false;
}

static bool on_record(void *ctx, json_t *rec, long line, const char *field, const char *why)
{
    struct bulk *b = ctx;
    struct problem pb;
    if (!rec) {
        bulk_refuse(b, line, field, why);
        return true;
    }
    b->received++;
    problem_init(&pb);
    if (!own_source(b, rec, line)) {
        b->failed++;
    } else if (!bulk_json_check(b->kind, rec, &pb)) {
        b->failed++;
        for (int i = 0; i < pb.n_errors; i++)
            add_error(b, line, pb.errors[i].field, pb.errors[i].message);
        if (!pb.n_errors)
            add_error(b, line, NULL, pb.detail);
    } else {
        json_object_set_new(rec, "n", json_integer(line));
        b->batch[b->batch_n++] = json_dumps(rec, JSON_COMPACT);
    }
    json_decref(rec);
    return b->batch_n < BULK_BATCH || flush(b);
}

bool bulk_start(struct bulk *b, struct db_conn *c, enum bulk_kind kind, enum bulk_format format,
                bool atomic, bool dry_run, const char *source, struct problem *pb)
{
    *b = (struct bulk){.kind = kind,
                       .atomic = atomic,
                       .dry_run = dry_run,
                       .source = source,
                       .c = c,
                       .errors = BUF_INIT};
    problem_init(&b->fatal);
    if (!bulk_store_begin(c, pb))
        return false;
    b->batch = xmalloc(BULK_BATCH * sizeof *b->batch);
    b->sent = xmalloc(BULK_BATCH * sizeof *b->sent);
    b->parser = bulk_parser_new(
        format, format == BULK_CSV || format == BULK_CSV_OR_TERC ? bulk_json_columns(kind) : NULL,
        on_record, b);
    return true;
}

bool bulk_feed(struct bulk *b, const char *data, size_t len)
{
    return bulk_parser_feed(b->parser, data, len) && b->fatal.kind == ERR_NONE;
}

enum bulk_outcome bulk_finish(struct bulk *b, bool abandon, struct problem *pb)
{
    if (!abandon && b->fatal.kind == ERR_NONE && !bulk_parser_end(b->parser) &&
        bulk_parser_error(b->parser))
        problem_set(&b->fatal, ERR_BAD_REQUEST, "The body cannot be read: %s",
                    bulk_parser_error(b->parser));
    if (!abandon && b->fatal.kind == ERR_NONE)
        flush(b);
    collect(b); /* also when abandoned: the connection must be idle to roll back */
    sort_errors(b);
    enum bulk_outcome out = BULK_DONE;
    if (b->fatal.kind != ERR_NONE || abandon)
        out = BULK_FAILED;
    else if (b->foreign_line)
        out = BULK_FORBIDDEN;
    else if (b->atomic && b->failed)
        out = BULK_REJECTED;
    if (out == BULK_REJECTED || out == BULK_FORBIDDEN)
        b->created = b->updated = b->unchanged = 0; /* nothing was written */
    bool commit = out == BULK_DONE && !b->dry_run;
    struct problem end;
    problem_init(&end);
    if (!bulk_store_end(b->c, commit, &end) && commit) {
        b->fatal = end;
        out = BULK_FAILED;
    }
    if (out == BULK_FAILED)
        *pb = b->fatal;
    return out;
}

void bulk_report(const struct bulk *b, struct buf *out)
{
    buf_printf(out,
               "{\"received\":%ld,\"created\":%ld,\"updated\":%ld,\"unchanged\":%ld,"
               "\"failed\":%ld,\"dry_run\":%s,\"errors\":[",
               b->received, b->created, b->updated, b->unchanged, b->failed,
               b->dry_run ? "true" : "false");
    buf_append(out, b->errors.p, b->errors.len);
    buf_puts(out, "]}");
}

void bulk_cleanup(struct bulk *b)
{
    free_records(b->batch, &b->batch_n);
    free(b->batch);
    b->batch = NULL;
    free_records(b->sent, &b->sent_n);
    free(b->sent);
    b->sent = NULL;
    bulk_parser_free(b->parser);
    b->parser = NULL;
    buf_free(&b->errors);
    free(b->error_at);
    b->error_at = NULL;
}
