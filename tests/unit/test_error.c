/* Error kinds -> HTTP status, slug and title; the problem record: the first
 * cause wins, field errors are capped, text is cut to fit. */
#include "bdp/buf.h"
#include "bdp/error.h"

#include "check.h"

#include <jansson.h>
#include <stdlib.h>

static void test_kinds(void)
{
    static const struct {
        enum err_kind kind;
        int status;
        const char *slug;
    } kinds[] = {
        {ERR_NONE, 200, "none"},
        {ERR_BAD_REQUEST, 400, "bad-request"},
        {ERR_UNAUTHORIZED, 401, "unauthorized"},
        {ERR_FORBIDDEN, 403, "forbidden"},
        {ERR_NOT_FOUND, 404, "not-found"},
        {ERR_METHOD_NOT_ALLOWED, 405, "method-not-allowed"},
        {ERR_NOT_ACCEPTABLE, 406, "not-acceptable"},
        {ERR_CONFLICT, 409, "conflict"},
        {ERR_GONE, 410, "gone"},
        {ERR_PRECONDITION_FAILED, 412, "precondition-failed"},
        {ERR_PAYLOAD_TOO_LARGE, 413, "payload-too-large"},
        {ERR_UNSUPPORTED_MEDIA_TYPE, 415, "unsupported-media-type"},
        {ERR_VALIDATION, 422, "validation"},
        {ERR_TOO_MANY_REQUESTS, 429, "too-many-requests"},
        {ERR_INTERNAL, 500, "internal"},
        {ERR_UNAVAILABLE, 503, "unavailable"},
    };
    CHECK_INT(sizeof kinds / sizeof kinds[0], ERR__MAX);
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        CHECK_INT(kinds[i].kind, i); /* the table above covers every kind, in order */
        CHECK_INT(error_status(kinds[i].kind), kinds[i].status);
        CHECK_STR(error_slug(kinds[i].kind), kinds[i].slug);
        const char *title = error_title(kinds[i].kind);
        CHECK(title != NULL && title[0] != '\0');
    }
    CHECK_STR(error_title(ERR_NOT_FOUND), "Not found");
    CHECK_STR(error_title(ERR_VALIDATION), "Validation failed");
    CHECK_STR(error_title(ERR_UNAVAILABLE), "Service unavailable");
    /* Out of range: internal. */
    CHECK_INT(error_status(ERR__MAX), 500);
    CHECK_STR(error_slug(ERR__MAX), "internal");
    CHECK_STR(error_title(ERR__MAX), "Internal error");
    CHECK_INT(error_status((enum err_kind)1000), 500);
}

static void test_problem_set(void)
{
    struct problem pb = {0};
    memset(&pb, 0x5a, sizeof pb);
    problem_init(&pb);
    CHECK_INT(pb.kind, ERR_NONE);
    CHECK_STR(pb.detail, "");
    CHECK_INT(pb.n_errors, 0);

    problem_set(&pb, ERR_NOT_FOUND, "No practice %d.", 42);
    CHECK_INT(pb.kind, ERR_NOT_FOUND);
    CHECK_STR(pb.detail, "No practice 42.");
    /* The first cause wins. */
    problem_set(&pb, ERR_INTERNAL, "later %s", "cause");
    CHECK_INT(pb.kind, ERR_NOT_FOUND);
    CHECK_STR(pb.detail, "No practice 42.");
    /* A field error keeps the kind and detail. */
    problem_field(&pb, "id", "is %s", "gone");
    CHECK_INT(pb.kind, ERR_NOT_FOUND);
    CHECK_STR(pb.detail, "No practice 42.");
    CHECK_INT(pb.n_errors, 1);
    CHECK_STR(pb.errors[0].field, "id");
    CHECK_STR(pb.errors[0].message, "is gone");

    /* problem_init resets. */
    problem_init(&pb);
    problem_set(&pb, ERR_UNAVAILABLE, "%s", "down");
    CHECK_INT(pb.kind, ERR_UNAVAILABLE);
    CHECK_STR(pb.detail, "down");
    CHECK_INT(pb.n_errors, 0);

    /* A long detail is cut to fit. */
    char big[1000];
    memset(big, 'd', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    problem_init(&pb);
    problem_set(&pb, ERR_CONFLICT, "%s", big);
    CHECK_INT(strlen(pb.detail), sizeof pb.detail - 1);
}

static void test_problem_field(void)
{
    struct problem pb = {0};

    /* A field error sets validation with its standard detail. */
    problem_init(&pb);
    problem_field(&pb, "title", "must be at most %d characters", 500);
    CHECK_INT(pb.kind, ERR_VALIDATION);
    CHECK_STR(pb.detail, "The request body has invalid fields.");
    CHECK_INT(pb.n_errors, 1);
    CHECK_STR(pb.errors[0].field, "title");
    CHECK_STR(pb.errors[0].message, "must be at most 500 characters");
    problem_field(&pb, "unit_id", "is required");
    CHECK_INT(pb.n_errors, 2);
    CHECK_STR(pb.errors[1].field, "unit_id");
    /* A later problem_set does not replace the kind. */
    problem_set(&pb, ERR_INTERNAL, "x");
    CHECK_INT(pb.kind, ERR_VALIDATION);
    CHECK_STR(pb.detail, "The request body has invalid fields.");

    problem_init(&pb);
    problem_kind_field(&pb, ERR_BAD_REQUEST, "limit", "must be an integer from %d to %d", 1, 200);
    CHECK_INT(pb.kind, ERR_BAD_REQUEST);
    CHECK_STR(pb.detail, "The request has invalid parameters or headers.");
    CHECK_STR(pb.errors[0].field, "limit");
    CHECK_STR(pb.errors[0].message, "must be an integer from 1 to 200");
    /* The first kind stays for later field errors of another kind. */
    problem_field(&pb, "title", "is required");
    problem_kind_field(&pb, ERR_CONFLICT, "slug", "is taken");
    CHECK_INT(pb.kind, ERR_BAD_REQUEST);
    CHECK_INT(pb.n_errors, 3);
    CHECK_STR(pb.errors[2].field, "slug");

    problem_init(&pb);
    problem_kind_field(&pb, ERR_CONFLICT, "teryt", "is taken");
    CHECK_INT(pb.kind, ERR_CONFLICT);
    CHECK_STR(pb.detail, "The request conflicts with stored data.");

    problem_init(&pb);
    problem_kind_field(&pb, ERR_FORBIDDEN, "source", "is not yours");
    CHECK_INT(pb.kind, ERR_FORBIDDEN);
    CHECK_STR(pb.detail, "Not allowed for this key");

    /* At most PROBLEM_MAX_ERRORS; the rest are dropped, the first kept. */
    problem_init(&pb);
    for (int i = 0; i < PROBLEM_MAX_ERRORS + 10; i++) {
        char name[16];
        snprintf(name, sizeof name, "f%d", i);
        problem_field(&pb, name, "error %d", i);
    }
    CHECK_INT(pb.n_errors, PROBLEM_MAX_ERRORS);
    CHECK_STR(pb.errors[0].field, "f0");
    CHECK_STR(pb.errors[PROBLEM_MAX_ERRORS - 1].field, "f15");
    CHECK_STR(pb.errors[PROBLEM_MAX_ERRORS - 1].message, "error 15");
    CHECK_INT(pb.kind, ERR_VALIDATION);

    /* Long field names and messages are cut to fit. */
    char big[1000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    problem_init(&pb);
    problem_field(&pb, big, "%s", big);
    CHECK_INT(pb.n_errors, 1);
    CHECK_INT(strlen(pb.errors[0].field), sizeof pb.errors[0].field - 1);
    CHECK_INT(strlen(pb.errors[0].message), sizeof pb.errors[0].message - 1);
}

int main(void)
{
    json_set_alloc_funcs(xmalloc, free);
    test_kinds();
    test_problem_set();
    test_problem_field();
    return check_report();
}
