/* Error kinds -> HTTP status, title and problem type; the problem record. */
#include "bdp/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct {
    int status;
    const char *slug;
    const char *title;
} kinds[ERR__MAX] = {
    [ERR_NONE] = {200, "none", "OK"},
    [ERR_BAD_REQUEST] = {400, "bad-request", "Bad request"},
    [ERR_UNAUTHORIZED] = {401, "unauthorized", "Missing or invalid API key"},
    [ERR_FORBIDDEN] = {403, "forbidden", "Not allowed for this key"},
    [ERR_NOT_FOUND] = {404, "not-found", "Not found"},
    [ERR_METHOD_NOT_ALLOWED] = {405, "method-not-allowed", "Method not allowed"},
    [ERR_NOT_ACCEPTABLE] = {406, "not-acceptable", "Not acceptable"},
    [ERR_CONFLICT] = {409, "conflict", "Conflict"},
    [ERR_GONE] = {410, "gone", "Gone"},
    [ERR_PRECONDITION_FAILED] = {412, "precondition-failed", "Precondition failed"},
    [ERR_PAYLOAD_TOO_LARGE] = {413, "payload-too-large", "Request body too large"},
    [ERR_UNSUPPORTED_MEDIA_TYPE] = {415, "unsupported-media-type", "Unsupported media type"},
    [ERR_VALIDATION] = {422, "validation", "Validation failed"},
    [ERR_TOO_MANY_REQUESTS] = {429, "too-many-requests", "Too many requests"},
    [ERR_INTERNAL] = {500, "internal", "Internal error"},
    [ERR_UNAVAILABLE] = {503, "unavailable", "Service unavailable"},
};

void problem_init(struct problem *pb)
{
    pb->kind = ERR_NONE;
    pb->detail[0] = '\0';
    pb->n_errors = 0;
}

void problem_set(struct problem *pb, enum err_kind kind, const char *fmt, ...)
{
    if (pb->kind != ERR_NONE)
        return;
    pb->kind = kind;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(pb->detail, sizeof pb->detail, fmt, ap);
    va_end(ap);
}

static void add_field(struct problem *pb, enum err_kind kind, const char *field, const char *fmt,
                      va_list ap)
{
    if (pb->kind == ERR_NONE) {
        pb->kind = kind;
        snprintf(pb->detail, sizeof pb->detail, "%s",
                 kind == ERR_VALIDATION    ? "The request body has invalid fields."
                 : kind == ERR_CONFLICT    ? "The request conflicts with stored data."
                 : kind == ERR_BAD_REQUEST ? "The request has invalid parameters or headers."
                                           : error_title(kind));
    }
    if (pb->n_errors >= PROBLEM_MAX_ERRORS)
        return;
    struct field_error *e = &pb->errors[pb->n_errors++];
    snprintf(e->field, sizeof e->field, "%s", field);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
}

void problem_field(struct problem *pb, const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_field(pb, ERR_VALIDATION, field, fmt, ap);
    va_end(ap);
}

void problem_kind_field(struct problem *pb, enum err_kind kind, const char *field, const char *fmt,
                        ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_field(pb, kind, field, fmt, ap);
    va_end(ap);
}

int error_status(enum err_kind kind)
{
    return kind < ERR__MAX ? kinds[kind].status : 500;
}

const char *error_title(enum err_kind kind)
{
    return kind < ERR__MAX ? kinds[kind].title : "Internal error";
}

const char *error_slug(enum err_kind kind)
{
    return kind < ERR__MAX ? kinds[kind].slug : "internal";
}
