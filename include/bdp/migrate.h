/* Migrations embedded at build time (scripts/embed.py): applied in order,
 * each in its own transaction, recorded with its SHA-256. */
#ifndef BDP_MIGRATE_H
#define BDP_MIGRATE_H

#include <libpq-fe.h>
#include <stddef.h>

struct migration {
    int version;
    const char *name;
    const char *sha256;
    const char *sql;
};

extern const struct migration migrations[];
extern const size_t migrations_count;
extern const char openapi_yaml[];
extern const size_t openapi_yaml_len;

/* SQL listing what is applied: (version, checksum) by version. */
extern const char migrate_applied_sql[];

/* Compares the applied rows (from migrate_applied_sql) with the embedded
 * list: the number pending (>= 0), or -1 with err set when an applied
 * migration was changed or is unknown to this binary. */
int migrate_compare(PGresult *applied, char *err, size_t errlen);

/* Command line: applies what is pending; 0 on success. */
int migrate_run(const char *conninfo);
/* Pending count for `serve` at start, or -1 with err set. */
int migrate_pending(const char *conninfo, char *err, size_t errlen);

#endif
