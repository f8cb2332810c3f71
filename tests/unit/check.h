/* Minimal assertions for the unit tests: every CHECK counts as passed or
 * failed, failures print where and what, check_report() ends the program. */
#ifndef BDP_TEST_CHECK_H
#define BDP_TEST_CHECK_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int check_passed, check_failed;

static inline void check_result(bool ok, const char *file, int line, const char *what)
{
    if (ok) {
        check_passed++;
    } else {
        check_failed++;
        fprintf(stderr, "%s:%d: FAIL %s\n", file, line, what);
    }
}

static inline void check_int(long long got, long long want, const char *file, int line,
                             const char *expr)
{
    check_result(got == want, file, line, expr);
    if (got != want)
        fprintf(stderr, "    got %lld, want %lld\n", got, want);
}

static inline void check_str(const char *got, const char *want, const char *file, int line,
                             const char *expr)
{
    bool ok = (got == NULL && want == NULL) || (got && want && strcmp(got, want) == 0);
    check_result(ok, file, line, expr);
    if (!ok)
        fprintf(stderr, "    got %s%s%s, want %s%s%s\n", got ? "\"" : "", got ? got : "NULL",
                got ? "\"" : "", want ? "\"" : "", want ? want : "NULL", want ? "\"" : "");
}

/* Prints the tally; the exit status of the test. */
static inline int check_report(void)
{
    printf("%d passed, %d failed\n", check_passed, check_failed);
    return check_failed ? 1 : 0;
}

#define CHECK(cond) check_result((cond), __FILE__, __LINE__, #cond)
#define CHECK_INT(got, want)                                                                       \
    check_int((long long)(got), (long long)(want), __FILE__, __LINE__, #got " == " #want)
#define CHECK_STR(got, want) check_str((got), (want), __FILE__, __LINE__, #got " == " #want)

#endif
