/* Settings: one table of name, environment variable, type, default and
 * bounds; flags of the same names override the environment. */
#ifndef BDP_CONFIG_H
#define BDP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum config_key {
    CFG_DATABASE_URL,
    CFG_READ_DATABASE_URL,
    CFG_LISTEN,
    CFG_THREADS,
    CFG_CORS_ORIGINS,
    CFG_MAX_BODY_BYTES,
    CFG_MAX_BULK_BYTES,
    CFG_SEARCH_CACHE_MB,
    CFG_SEARCH_MEMORY_MIN_DOCS,
    CFG_POOL_SIZE,
    CFG_POOL_WAIT_MS,
    CFG_CHANGE_RETENTION_DAYS,
    CFG_CHANGE_PURGE_SECONDS,
    CFG__MAX
};

struct config {
    char *str[CFG__MAX]; /* owned; every key has its text form */
    long long num[CFG__MAX];
};

/* Fills cfg from the environment, then from the setting flags anywhere in
 * argv ("--listen X", "--listen=X"), which it removes from argv, lowering
 * *argc. Other arguments stay in order. false + err on a bad value. */
bool config_load(struct config *cfg, int *argc, char **argv, char *err, size_t errlen)
    __attribute__((warn_unused_result));
void config_cleanup(struct config *cfg);
/* Writes the settings table (flag, variable, default, meaning) to out. */
void config_usage(FILE *out);

#endif
