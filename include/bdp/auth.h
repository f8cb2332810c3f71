/* Who is asking: API keys (stored as SHA-256, shown once) and their roles. */
#ifndef BDP_AUTH_H
#define BDP_AUTH_H

#include "bdp/error.h"

#include <stdbool.h>
#include <stddef.h>

enum role { ROLE_ANONYMOUS, ROLE_READER, ROLE_EDITOR, ROLE_PARTNER, ROLE_ADMIN, ROLE__MAX };

struct principal {
    enum role role;
    char name[64];   /* key name; "" for anonymous */
    char source[64]; /* partner's source; "" otherwise */
};

struct db_pool;

const char *role_name(enum role r);
bool role_parse(const char *s, enum role *r);
/* Readers and up see drafts and non-public contacts. */
bool auth_sees_private(const struct principal *p);
/* Editors and admins write everything; partners their own source. */
bool auth_is_editor(const struct principal *p);

/* Resolves an Authorization header value (may be NULL) into who.
 * Returns false with pb 401 for a malformed, unknown or revoked key, or 503. */
bool auth_resolve(struct db_pool *pool, const char *authorization, struct principal *who,
                  struct problem *pb) __attribute__((warn_unused_result));

/* Writes a new random key "bdp_" + 40 hex into out (at least 45 bytes). */
bool auth_new_key(char *out, size_t outlen) __attribute__((warn_unused_result));

/* Command line: create prints the key on stdout; 0 on success, else exit code. */
int auth_key_create(const char *conninfo, const char *name, const char *role, const char *source);
int auth_key_revoke(const char *conninfo, const char *name);

#endif
