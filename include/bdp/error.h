/* One enum of error kinds, one mapping to HTTP, and the problem record that
 * carries a kind, a detail and per-field errors with no allocation. */
#ifndef BDP_ERROR_H
#define BDP_ERROR_H

#include <stdbool.h>
#include <stddef.h>

enum err_kind {
    ERR_NONE,
    ERR_BAD_REQUEST,
    ERR_UNAUTHORIZED,
    ERR_FORBIDDEN,
    ERR_NOT_FOUND,
    ERR_METHOD_NOT_ALLOWED,
    ERR_NOT_ACCEPTABLE,
    ERR_CONFLICT,
    ERR_GONE,
    ERR_PRECONDITION_FAILED,
    ERR_PAYLOAD_TOO_LARGE,
    ERR_UNSUPPORTED_MEDIA_TYPE,
    ERR_VALIDATION,
    ERR_TOO_MANY_REQUESTS,
    ERR_INTERNAL,
    ERR_UNAVAILABLE,
    ERR__MAX
};

#define PROBLEM_MAX_ERRORS 16

struct field_error {
    char field[96];
    char message[320]; /* room for the 16 voivodeships */
};

/* Caller-allocated; the error path allocates nothing. */
struct problem {
    enum err_kind kind;
    char detail[300];
    int n_errors;
    struct field_error errors[PROBLEM_MAX_ERRORS];
};

void problem_init(struct problem *pb);
/* Sets kind and detail unless a kind is already set (the first cause wins). */
void problem_set(struct problem *pb, enum err_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Adds a field error; sets kind (default ERR_VALIDATION) if none. */
void problem_field(struct problem *pb, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Adds a field error to a problem of the given kind. */
void problem_kind_field(struct problem *pb, enum err_kind kind, const char *field, const char *fmt,
                        ...) __attribute__((format(printf, 4, 5)));

int error_status(enum err_kind kind);
const char *error_title(enum err_kind kind);
const char *error_slug(enum err_kind kind);

#endif
