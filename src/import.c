/* `bdp import`: files through the same upload as POST /v1/bulk/{kind}, each
 * file its own transaction; pages of the old site (.txt) are converted
 * (legacy.c) and go in together as one upload of practices. */
#include "bdp/import.h"

#include "bdp/bulk.h"
#include "bdp/clock.h"
#include "bdp/legacy.h"
#include "bdp/terc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct totals {
    long files, received, created, updated, unchanged, failed;
    bool bad; /* something was refused or failed */
};

struct progress {
    const char *name;
    long long size, done;
    double t0, shown;
    const struct bulk *b;
};

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* "\r<file>: 12345 records  3456/s  0:12 left", at most five times a second. */
static void show(struct progress *p, bool last)
{
    double now = clock_ms();
    if (!isatty(STDERR_FILENO) || (!last && now - p->shown < 200))
        return;
    p->shown = now;
    double secs = (now - p->t0) / 1000, rate = secs > 0 ? p->b->received / secs : 0;
    double left = p->done > 0 && p->size > p->done ? secs * (p->size - p->done) / p->done : 0;
    fprintf(stderr, "\r%s: %ld records  %.0f/s  %d:%02d left   ", p->name, p->b->received, rate,
            (int)left / 60, (int)left % 60);
    if (last)
        fputs("\n", stderr);
}

/* Errors printed a file at most; the summary counts them all. */
#define PRINT_ERRORS 50

/* Prints the first errors of b as "name:line: field: message". */
static void print_errors(const struct bulk *b, const char *name, const char *const *lines)
{
    struct buf text = BUF_INIT;
    buf_printf(&text, "[%s]", buf_cstr((struct buf *)&b->errors));
    json_t *errors = json_loads(buf_cstr(&text), 0, NULL);
    size_t i;
    json_t *e;
    json_array_foreach(errors, i, e)
    {
        if (i == PRINT_ERRORS)
            break;
        long line = (long)json_integer_value(json_object_get(e, "line"));
        const char *field = json_string_value(json_object_get(e, "field"));
        const char *where = lines && line > 0 ? lines[line - 1] : NULL;
        if (where)
            fprintf(stderr, "bdp import: %s: %s%s%s\n", where, field ? field : "",
                    field ? ": " : "", json_string_value(json_object_get(e, "message")));
        else
            fprintf(stderr, "bdp import: %s:%ld: %s%s%s\n", name, line, field ? field : "",
                    field ? ": " : "", json_string_value(json_object_get(e, "message")));
    }
    size_t listed = json_array_size(errors) < PRINT_ERRORS ? json_array_size(errors) : PRINT_ERRORS;
    if (b->failed > (long)listed)
        fprintf(stderr, "bdp import: %s: %ld more records failed\n", name,
                b->failed - (long)listed);
    json_decref(errors);
    buf_free(&text);
}

/* Ends the upload b of name and adds it to t. */
static void finish(struct bulk *b, const char *name, const char *const *lines, bool abandon,
                   struct totals *t)
{
    struct problem pb;
    problem_init(&pb);
    enum bulk_outcome out = bulk_finish(b, abandon, &pb);
    print_errors(b, name, lines);
    if (out == BULK_FAILED)
        fprintf(stderr, "bdp import: %s: %s\n", name, pb.detail);
    else if (out == BULK_REJECTED)
        fprintf(stderr, "bdp import: %s: %ld records failed; nothing of it was written\n", name,
                b->failed);
    t->files++;
    t->received += b->received;
    t->created += b->created;
    t->updated += b->updated;
    t->unchanged += b->unchanged;
    t->failed += b->failed;
    t->bad |= out != BULK_DONE || b->failed > 0;
    bulk_cleanup(b);
}

/* The kind and format of path: by its name, and a CSV by its header. */
static bool classify(const char *path, enum bulk_kind kind, enum bulk_kind *k, enum bulk_format *f)
{
    *k = kind;
    if (ends_with(path, ".ndjson") || ends_with(path, ".jsonl"))
        *f = BULK_NDJSON;
    else if (ends_with(path, ".json"))
        *f = BULK_JSON_ARRAY;
    else if (ends_with(path, ".csv"))
        *f = BULK_CSV;
    else
        return false;
    if (*f == BULK_CSV) {
        char line[512] = "";
        FILE *in = fopen(path, "r");
        if (in && fgets(line, sizeof line, in) && terc_is_header(line)) {
            *k = BULK_UNITS;
            *f = BULK_TERC;
        }
        if (in)
            fclose(in);
    }
    return true;
}

static void import_file(struct db_conn *c, const char *path, enum bulk_kind kind, bool atomic,
                        bool dry_run, struct totals *t)
{
    enum bulk_kind k;
    enum bulk_format f;
    struct bulk b;
    struct problem pb;
    problem_init(&pb);
    if (!classify(path, kind, &k, &f)) {
        fprintf(stderr, "bdp import: %s: not .ndjson, .jsonl, .json, .csv or .txt\n", path);
        t->bad = true;
        return;
    }
    FILE *in = fopen(path, "rb");
    if (!in) {
        fprintf(stderr, "bdp import: %s: %s\n", path, strerror(errno));
        t->bad = true;
        return;
    }
    if (!bulk_start(&b, c, k, f, atomic, dry_run, NULL, &pb)) {
        fprintf(stderr, "bdp import: %s: %s\n", path, pb.detail);
        fclose(in);
        t->bad = true;
        return;
    }
    struct stat st;
    struct progress p = {path, fstat(fileno(in), &st) == 0 ? st.st_size : 0, 0, clock_ms(), 0, &b};
    char *chunk = xmalloc(65536);
    size_t n;
    bool go = true;
    while (go && (n = fread(chunk, 1, 65536, in)) > 0) {
        p.done += (long long)n;
        go = bulk_feed(&b, chunk, n);
        show(&p, false);
    }
    bool broken = ferror(in);
    if (broken)
        fprintf(stderr, "bdp import: %s: cannot read: %s\n", path, strerror(errno));
    free(chunk);
    fclose(in);
    show(&p, true);
    finish(&b, path, NULL, broken, t);
}

/* Pages of the old site: converted and uploaded together as practices,
 * so a page's errors name the page (its "line" is its place in pages). */
static void import_pages(struct db_conn *c, const char *const *pages, int n, bool atomic,
                         bool dry_run, struct totals *t)
{
    struct bulk b;
    struct problem pb;
    problem_init(&pb);
    if (!bulk_start(&b, c, BULK_PRACTICES, BULK_NDJSON, atomic, dry_run, NULL, &pb)) {
        fprintf(stderr, "bdp import: %s\n", pb.detail);
        t->bad = true;
        return;
    }
    struct progress p = {"pages", n, 0, clock_ms(), 0, &b};
    for (int i = 0; i < n; i++) {
        char err[300];
        json_t *rec = legacy_convert_file(pages[i], err, sizeof err);
        char *line = rec ? json_dumps(rec, JSON_COMPACT) : NULL;
        /* A page that cannot be read keeps its line (blank), as an error. */
        bool go = (!line || bulk_feed(&b, line, strlen(line))) && bulk_feed(&b, "\n", 1);
        if (!rec)
            bulk_refuse(&b, i + 1, NULL, err);
        free(line);
        json_decref(rec);
        p.done = i + 1;
        show(&p, false);
        if (!go)
            break;
    }
    show(&p, true);
    finish(&b, "pages", pages, false, t);
}

int import_run(const char *conninfo, int nfiles, char **files, bool atomic, bool dry_run,
               enum bulk_kind kind)
{
    if (nfiles == 0) {
        fprintf(stderr, "bdp import: no files (see bdp --help)\n");
        return 2;
    }
    struct db_pool *pool = db_pool_new(conninfo, 1, 10000);
    struct problem pb;
    problem_init(&pb);
    struct db_conn *c = db_take(pool, &pb);
    if (!c) {
        fprintf(stderr, "bdp import: %s\n", pb.detail);
        db_pool_free(pool);
        return 1;
    }
    struct totals t = {0};
    double t0 = clock_ms();
    const char **pages = xmalloc((size_t)nfiles * sizeof *pages);
    int npages = 0;
    for (int i = 0; i < nfiles; i++) {
        if (ends_with(files[i], ".txt"))
            pages[npages++] = files[i];
        else
            import_file(c, files[i], kind, atomic, dry_run, &t);
    }
    if (npages)
        import_pages(c, pages, npages, atomic, dry_run, &t);
    free(pages);
    db_give(c);
    db_pool_free(pool);
    double secs = (clock_ms() - t0) / 1000;
    fprintf(stderr,
            "bdp import: %ld records from %d files%s: %ld created, %ld updated, %ld unchanged, "
            "%ld failed in %.1f s (%.0f records/s)\n",
            t.received, nfiles, dry_run ? " (dry run: nothing written)" : "", t.created, t.updated,
            t.unchanged, t.failed, secs, secs > 0 ? t.received / secs : 0);
    return t.bad ? 1 : 0;
}
