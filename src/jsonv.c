/* Strict body parsing, table-driven validation, merge patch, records. */
#include "bdp/jsonv.h"

#include "bdp/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Deepest nesting of arrays and objects in data, strings skipped; the
 * parser recurses once a level on a worker thread's small stack. */
static int depth_of(const char *data, size_t len)
{
    int depth = 0, deepest = 0;
    bool in_string = false;
    for (size_t i = 0; i < len; i++) {
        char c = data[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > deepest)
                deepest = depth;
        } else if (c == ']' || c == '}') {
            depth--;
        }
    }
    return deepest;
}

json_t *jsonv_parse_object(const char *data, size_t len, struct problem *pb)
{
    if (len == 0) {
        problem_set(pb, ERR_BAD_REQUEST, "The request body is empty; a JSON object is needed.");
        return NULL;
    }
    if (depth_of(data, len) > JSONV_MAX_DEPTH) {
        problem_set(pb, ERR_BAD_REQUEST, "The body nests arrays and objects deeper than %d.",
                    JSONV_MAX_DEPTH);
        return NULL;
    }
    json_error_t err;
    json_t *v = json_loadb(data, len, JSON_REJECT_DUPLICATES, &err);
    if (!v) {
        problem_set(pb, ERR_BAD_REQUEST, "The body is not valid JSON: %s (line %d, column %d).",
                    err.text, err.line, err.column);
        return NULL;
    }
    if (!json_is_object(v)) {
        json_decref(v);
        problem_set(pb, ERR_BAD_REQUEST, "The body must be a JSON object.");
        return NULL;
    }
    return v;
}

bool jsonv_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        unsigned c = *p;
        int n = c < 0x80             ? 0
                : (c & 0xE0) == 0xC0 ? 1
                : (c & 0xF0) == 0xE0 ? 2
                : (c & 0xF8) == 0xF0 ? 3
                                     : -1;
        if (n < 0 || (c & 0xFE) == 0xC0 || c > 0xF4 || end - p <= n)
            return false;
        unsigned cp = n == 0 ? c : c & (0x3F >> n);
        for (int i = 1; i <= n; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        p += n + 1;
    }
    return true;
}

bool jsonv_date_valid(const char *s)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1)
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= days[m - 1] + (m == 2 && leap);
}

size_t jsonv_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

bool jsonv_blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return false;
    return true;
}

static const char *type_word(enum jv_type t)
{
    switch (t) {
    case JV_INT: return "an integer";
    case JV_BOOL: return "true or false";
    case JV_STRINGS: return "an array of strings";
    case JV_INTS: return "an array of integers";
    case JV_OBJECT: return "an object";
    case JV_OBJECTS: return "an array of objects";
    default: return "a string";
    }
}

static void check_string(const char *s, const struct jv_field *f, const char *path,
                         struct problem *pb)
{
    size_t n = jsonv_chars(s);
    long long max = f->max ? f->max : 10000;
    if (f->min > 0 && jsonv_blank(s))
        problem_field(pb, path, "must not be empty");
    else if ((long long)n > max)
        problem_field(pb, path, "must be at most %lld characters", max);
}

static void check_value(json_t *v, const struct jv_field *f, const char *path, struct problem *pb)
{
    if (f->type == JV_READONLY)
        return;
    if (json_is_null(v)) {
        if (!(f->flags & JV_NULLABLE))
            problem_field(pb, path, f->flags & JV_REQUIRED ? "is required" : "must not be null");
        return;
    }
    char sub[128];
    switch (f->type) {
    case JV_STRING:
    case JV_EMAIL:
    case JV_DATE:
    case JV_ENUM:
        if (!json_is_string(v)) {
            problem_field(pb, path, "must be %s", type_word(f->type));
            return;
        }
        if (f->type == JV_STRING) {
            check_string(json_string_value(v), f, path, pb);
        } else if (f->type == JV_DATE) {
            if (!jsonv_date_valid(json_string_value(v)))
                problem_field(pb, path, "must be a date YYYY-MM-DD between 1900 and 2100");
        } else if (f->type == JV_EMAIL) {
            const char *s = json_string_value(v), *at = strchr(s, '@');
            if (!at || at == s || !at[1] || strchr(at + 1, '@') || strpbrk(s, " \t\r\n") ||
                strlen(s) > 254)
                problem_field(pb, path, "must be an e-mail address");
        } else {
            bool ok = false;
            for (const char *const *o = f->options; *o && !ok; o++)
                ok = strcmp(*o, json_string_value(v)) == 0;
            if (!ok) {
                struct buf list = BUF_INIT;
                for (const char *const *o = f->options; *o; o++)
                    buf_printf(&list, "%s%s", o == f->options ? "" : ", ", *o);
                problem_field(pb, path, "must be one of: %s", buf_cstr(&list));
                buf_free(&list);
            }
        }
        return;
    case JV_INT:
        if (!json_is_integer(v))
            problem_field(pb, path, "must be an integer");
        else if (json_integer_value(v) < f->min || json_integer_value(v) > f->max)
            problem_field(pb, path, "must be from %lld to %lld", f->min, f->max);
        return;
    case JV_BOOL:
        if (!json_is_boolean(v))
            problem_field(pb, path, "must be true or false");
        return;
    case JV_STRINGS:
    case JV_INTS:
    case JV_OBJECTS: {
        long long max = f->type == JV_OBJECTS || f->type == JV_INTS ? f->max : 100;
        if (!json_is_array(v)) {
            problem_field(pb, path, "must be %s", type_word(f->type));
            return;
        }
        if ((long long)json_array_size(v) > max) {
            problem_field(pb, path, "must have at most %lld items", max);
            return;
        }
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item)
        {
            snprintf(sub, sizeof sub, "%.100s[%zu]", path, i);
            if (f->type == JV_STRINGS) {
                if (!json_is_string(item))
                    problem_field(pb, sub, "must be a string");
                else
                    check_string(json_string_value(item), f, sub, pb);
            } else if (f->type == JV_INTS) {
                if (!json_is_integer(item) || json_integer_value(item) < 1 ||
                    json_integer_value(item) > 2147483647) {
                    problem_field(pb, sub, "must be a positive integer id");
                    continue;
                }
                for (size_t j = 0; j < i; j++)
                    if (json_integer_value(json_array_get(v, j)) == json_integer_value(item)) {
                        problem_field(pb, sub, "repeats an earlier id");
                        break;
                    }
            } else if (!json_is_object(item)) {
                problem_field(pb, sub, "must be an object");
            } else {
                jsonv_check(item, f->sub, sub, pb);
            }
        }
        return;
    }
    case JV_OBJECT:
        if (!json_is_object(v))
            problem_field(pb, path, "must be an object");
        else
            jsonv_check(v, f->sub, path, pb);
        return;
    case JV_READONLY:
    case JV_REJECT: return;
    }
}

static const struct jv_field *find(const struct jv_spec *spec, const char *name)
{
    for (size_t i = 0; i < spec->n; i++)
        if (spec->fields[i].name && strcmp(spec->fields[i].name, name) == 0)
            return &spec->fields[i];
    return NULL;
}

bool jsonv_check(json_t *obj, const struct jv_spec *spec, const char *prefix, struct problem *pb)
{
    int before = pb->n_errors;
    enum err_kind kind_before = pb->kind;
    char path[128];
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        snprintf(path, sizeof path, "%.60s%s%.60s", prefix, *prefix ? "." : "", key);
        const struct jv_field *f = find(spec, key);
        if (!f)
            problem_field(pb, path, "is not a known field");
        else if (f->type == JV_REJECT)
            problem_field(pb, path, "%s", f->why);
        else
            check_value(v, f, path, pb);
    }
    for (size_t i = 0; i < spec->n; i++) {
        const struct jv_field *f = &spec->fields[i];
        if (f->name && (f->flags & JV_REQUIRED) && !json_object_get(obj, f->name)) {
            snprintf(path, sizeof path, "%.60s%s%.60s", prefix, *prefix ? "." : "", f->name);
            problem_field(pb, path, "is required");
        }
    }
    return pb->n_errors == before && pb->kind == kind_before;
}

static char *text_of(json_t *v, const struct jv_field *f)
{
    char tmp[32];
    switch (f->type) {
    case JV_STRING:
    case JV_EMAIL:
    case JV_DATE:
    case JV_ENUM: return xstrdup(json_string_value(v));
    case JV_INT:
        snprintf(tmp, sizeof tmp, "%lld", (long long)json_integer_value(v));
        return xstrdup(tmp);
    case JV_BOOL: return xstrdup(json_is_true(v) ? "true" : "false");
    case JV_INTS: {
        struct buf b = BUF_INIT;
        size_t i;
        json_t *item;
        buf_puts(&b, "{");
        json_array_foreach(v, i, item)
        {
            buf_printf(&b, "%s%lld", i ? "," : "", (long long)json_integer_value(item));
        }
        buf_puts(&b, "}");
        return b.p;
    }
    case JV_STRINGS:
    case JV_OBJECT:
    case JV_OBJECTS: return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    default: return NULL;
    }
}

void jsonv_record(json_t *obj, const struct jv_spec *spec, struct record *rec)
{
    rec->n = (int)spec->n;
    for (size_t i = 0; i < spec->n && i < RECORD_MAX; i++) {
        const struct jv_field *f = &spec->fields[i];
        json_t *v = f->name ? json_object_get(obj, f->name) : NULL;
        if (f->type == JV_READONLY || f->type == JV_REJECT)
            rec->v[i] = NULL;
        else if (!v || json_is_null(v))
            rec->v[i] = xstrdup(f->dflt);
        else
            rec->v[i] = text_of(v, f);
    }
}

void record_cleanup(struct record *rec)
{
    for (int i = 0; i < rec->n && i < RECORD_MAX; i++) {
        free(rec->v[i]);
        rec->v[i] = NULL;
    }
    rec->n = 0;
}

json_t *jsonv_merge_patch(json_t *target, json_t *patch)
{
    if (!json_is_object(patch))
        return json_incref(patch);
    json_t *out = json_is_object(target) ? json_deep_copy(target) : json_object();
    const char *key;
    json_t *v;
    json_object_foreach(patch, key, v)
    {
        if (json_is_null(v)) {
            json_object_del(out, key);
        } else {
            json_t *merged = jsonv_merge_patch(json_object_get(out, key), v);
            json_object_set_new(out, key, merged);
        }
    }
    return out;
}
