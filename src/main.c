/* argv -> subcommand: serve, migrate, key create, key revoke, import, legacy. */
#include "bdp/auth.h"
#include "bdp/buf.h"
#include "bdp/config.h"
#include "bdp/import.h"
#include "bdp/legacy.h"
#include "bdp/migrate.h"
#include "bdp/server.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *out)
{
    fputs("usage: bdp [OPTIONS] COMMAND [ARGS]\n\n"
          "commands:\n"
          "  serve                                   run the API\n"
          "  migrate                                 apply pending migrations\n"
          "  key create --name N --role R [--source S]\n"
          "                                          print a new API key once, on stdout\n"
          "  key revoke --name N                     revoke a key\n"
          "  import [--mode atomic|partial] [--dry-run] [--resource practices|units|categories]\n"
          "         FILE...                          NDJSON, JSON, CSV, TERC CSV or .txt pages\n"
          "                                          through the bulk upload, with progress\n"
          "  legacy FILE...                          old site's pages as NDJSON records\n\n"
          "options (each also an environment variable; flags win):\n",
          out);
    config_usage(out);
}

/* Reads "--name V" style arguments of the key commands. */
static const char *arg(int argc, char **argv, const char *name)
{
    size_t n = strlen(name);
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], name) == 0 && i + 1 < argc)
            return argv[i + 1];
        if (strncmp(argv[i], name, n) == 0 && argv[i][n] == '=')
            return argv[i] + n + 1;
    }
    return NULL;
}

static bool known_args(int argc, char **argv, const char *const *names)
{
    for (int i = 0; i < argc; i++) {
        bool ok = false;
        for (const char *const *k = names; *k && !ok; k++) {
            size_t n = strlen(*k);
            ok = strncmp(argv[i], *k, n) == 0 && (argv[i][n] == '\0' || argv[i][n] == '=');
            if (ok && argv[i][n] == '\0')
                i++;
        }
        if (!ok) {
            fprintf(stderr, "bdp: unexpected argument \"%s\" (see bdp --help)\n", argv[i]);
            return false;
        }
    }
    return true;
}

/* import's own flags, then its files. */
static int import_command(const struct config *cfg, int argc, char **argv)
{
    bool atomic = true, dry_run = false;
    enum bulk_kind kind = BULK_PRACTICES;
    int i = 0;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : "";
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        } else if (strcmp(argv[i], "--dry-run") == 0) {
            dry_run = true;
        } else if (strcmp(argv[i], "--mode") == 0 &&
                   (strcmp(v, "atomic") == 0 || strcmp(v, "partial") == 0)) {
            atomic = strcmp(argv[++i], "atomic") == 0;
        } else if (strcmp(argv[i], "--resource") == 0) {
            int k = 0;
            while (k < BULK_KIND__MAX && strcmp(bulk_kind_names[k], v) != 0)
                k++;
            if (k == BULK_KIND__MAX) {
                fprintf(stderr, "bdp import: --resource is practices, units or categories\n");
                return 2;
            }
            kind = (enum bulk_kind)k;
            i++;
        } else {
            fprintf(stderr, "bdp import: unexpected argument \"%s\" (see bdp --help)\n", argv[i]);
            return 2;
        }
    }
    return import_run(cfg->str[CFG_DATABASE_URL], argc - i, argv + i, atomic, dry_run, kind);
}

int main(int argc, char **argv)
{
    json_set_alloc_funcs(xmalloc, free);
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        }
    struct config cfg;
    char err[256];
    int rc = 2, i = 1;
    if (!config_load(&cfg, &argc, argv, err, sizeof err)) {
        fprintf(stderr, "bdp: %s\n", err);
        goto out;
    }
    const char *cmd = i < argc ? argv[i++] : NULL;
    if (cmd && (strcmp(cmd, "serve") == 0 || strcmp(cmd, "migrate") == 0) && i < argc) {
        fprintf(stderr, "bdp: unexpected argument \"%s\" (see bdp --help)\n", argv[i]);
        goto out;
    }
    if (!cmd) {
        usage(stderr);
    } else if (strcmp(cmd, "serve") == 0) {
        rc = server_run(&cfg);
    } else if (strcmp(cmd, "migrate") == 0) {
        rc = migrate_run(cfg.str[CFG_DATABASE_URL]);
    } else if (strcmp(cmd, "key") == 0 && i < argc && strcmp(argv[i], "create") == 0) {
        static const char *const names[] = {"--name", "--role", "--source", NULL};
        const char *name = arg(argc - i - 1, argv + i + 1, "--name");
        const char *role = arg(argc - i - 1, argv + i + 1, "--role");
        if (known_args(argc - i - 1, argv + i + 1, names) && name && role)
            rc = auth_key_create(cfg.str[CFG_DATABASE_URL], name, role,
                                 arg(argc - i - 1, argv + i + 1, "--source"));
        else if (!name || !role)
            fprintf(stderr, "bdp: key create needs --name and --role\n");
    } else if (strcmp(cmd, "import") == 0) {
        rc = import_command(&cfg, argc - i, argv + i);
    } else if (strcmp(cmd, "legacy") == 0) {
        rc = legacy_run(argc - i, argv + i);
    } else if (strcmp(cmd, "key") == 0 && i < argc && strcmp(argv[i], "revoke") == 0) {
        static const char *const names[] = {"--name", NULL};
        const char *name = arg(argc - i - 1, argv + i + 1, "--name");
        if (known_args(argc - i - 1, argv + i + 1, names) && name)
            rc = auth_key_revoke(cfg.str[CFG_DATABASE_URL], name);
        else if (!name)
            fprintf(stderr, "bdp: key revoke needs --name\n");
    } else {
        fprintf(stderr, "bdp: unknown command \"%s\" (see bdp --help)\n", cmd);
    }
out:
    config_cleanup(&cfg);
    return rc;
}
