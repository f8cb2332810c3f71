/* The settings table and its loading from environment and flags. */
#include "bdp/config.h"

#include "bdp/buf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum cfg_type { CT_STRING, CT_INT };

static const struct {
    const char *flag;
    const char *env;
    enum cfg_type type;
    const char *dflt;
    long long min, max;
    const char *help;
} table[CFG__MAX] = {
    [CFG_DATABASE_URL] = {"database-url", "BDP_DATABASE_URL", CT_STRING, "", 0, 0,
                          "libpq connection string or URI (empty: libpq defaults)"},
    [CFG_READ_DATABASE_URL] = {"read-database-url", "BDP_READ_DATABASE_URL", CT_STRING, "", 0, 0,
                               "a streaming replica for reads (optional)"},
    [CFG_LISTEN] = {"listen", "BDP_LISTEN", CT_STRING, "127.0.0.1:8080", 0, 0,
                    "address:port to serve on"},
    /* Each keep-alive connection holds a worker, and so does a long poll of
     * the change feed: up to half of them may wait. */
    [CFG_THREADS] = {"threads", "BDP_THREADS", CT_INT, "128", 2, 1024, "HTTP worker threads"},
    [CFG_CORS_ORIGINS] = {"cors-origins", "BDP_CORS_ORIGINS", CT_STRING, "", 0, 0,
                          "comma-separated origins allowed by CORS, or *"},
    [CFG_MAX_BODY_BYTES] = {"max-body-bytes", "BDP_MAX_BODY_BYTES", CT_INT, "1048576", 1024,
                            1LL << 40, "largest request body accepted (413 above)"},
    [CFG_MAX_BULK_BYTES] = {"max-bulk-bytes", "BDP_MAX_BULK_BYTES", CT_INT, "1073741824", 1024,
                            1LL << 44, "largest bulk upload accepted (413 above)"},
    [CFG_SEARCH_CACHE_MB] = {"search-cache-mb", "BDP_SEARCH_CACHE_MB", CT_INT, "32", 0, 4096,
                             "memory for cached search answers (0: no cache)"},
    [CFG_SEARCH_MEMORY_MIN_DOCS] = {"search-memory-min-docs", "BDP_SEARCH_MEMORY_MIN_DOCS", CT_INT,
                                    "500", 0, 2147483647,
                                    "search counts in memory the words at least this many"
                                    " practices have (0: no search in memory)"},
    [CFG_POOL_SIZE] = {"pool-size", "BDP_POOL_SIZE", CT_INT, "0", 0, 64,
                       "database connections shared by the workers (0: cores + 1)"},
    [CFG_POOL_WAIT_MS] = {"pool-wait-ms", "BDP_POOL_WAIT_MS", CT_INT, "2000", 10, 60000,
                          "longest wait for a free connection before 503"},
    [CFG_CHANGE_RETENTION_DAYS] = {"change-retention-days", "BDP_CHANGE_RETENTION_DAYS", CT_INT,
                                   "90", 1, 36500, "days the change feed keeps its entries"},
    [CFG_CHANGE_PURGE_SECONDS] = {"change-purge-seconds", "BDP_CHANGE_PURGE_SECONDS", CT_INT,
                                  "3600", 1, 86400, "how often expired feed entries go"},
};

static bool set(struct config *cfg, int k, const char *value, char *err, size_t errlen)
{
    if (table[k].type == CT_INT) {
        char *end;
        errno = 0;
        long long v = strtoll(value, &end, 10);
        if (errno || end == value || *end || v < table[k].min || v > table[k].max) {
            snprintf(err, errlen, "%s must be an integer from %lld to %lld, not \"%s\"",
                     table[k].env, table[k].min, table[k].max, value);
            return false;
        }
        cfg->num[k] = v;
    }
    free(cfg->str[k]);
    cfg->str[k] = xstrdup(value);
    return true;
}

bool config_load(struct config *cfg, int *argc, char **argv, char *err, size_t errlen)
{
    memset(cfg, 0, sizeof *cfg);
    for (int k = 0; k < CFG__MAX; k++) {
        const char *env = getenv(table[k].env);
        if (!set(cfg, k, table[k].dflt, err, errlen) || (env && !set(cfg, k, env, err, errlen)))
            return false;
    }
    int out = 1;
    for (int i = 1; i < *argc; i++) {
        const char *name = strncmp(argv[i], "--", 2) == 0 ? argv[i] + 2 : NULL;
        size_t len = name ? strcspn(name, "=") : 0;
        int k = 0;
        while (name && k < CFG__MAX &&
               (strlen(table[k].flag) != len || strncmp(table[k].flag, name, len) != 0))
            k++;
        if (!name || k == CFG__MAX) {
            argv[out++] = argv[i];
            continue;
        }
        const char *value = name[len] == '=' ? name + len + 1 : NULL;
        if (!value && i + 1 >= *argc) {
            snprintf(err, errlen, "--%s needs a value", table[k].flag);
            return false;
        }
        if (!set(cfg, k, value ? value : argv[++i], err, errlen))
            return false;
    }
    *argc = out;
    /* One backend a core plus one waiting on I/O: with two a core, busy
     * backends oversubscribe the CPU and the p99 grows fivefold
     * (bench/RESULTS.md). */
    if (cfg->num[CFG_POOL_SIZE] == 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        cfg->num[CFG_POOL_SIZE] = cores > 0 && cores < 63 ? cores + 1 : 4;
    }
    return true;
}

void config_cleanup(struct config *cfg)
{
    for (int k = 0; k < CFG__MAX; k++) {
        free(cfg->str[k]);
        cfg->str[k] = NULL;
    }
}

void config_usage(FILE *out)
{
    for (int k = 0; k < CFG__MAX; k++)
        fprintf(out, "  --%-18s %-22s %s (default: %s)\n", table[k].flag, table[k].env,
                table[k].help, *table[k].dflt ? table[k].dflt : "none");
}
