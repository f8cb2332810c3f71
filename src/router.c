/* The one route table and the matching of a path against it. */
#include "bdp/router.h"

#include "bdp/bulk_api.h"
#include "bdp/category_api.h"
#include "bdp/change_api.h"
#include "bdp/contact_api.h"
#include "bdp/ops_api.h"
#include "bdp/practice_api.h"
#include "bdp/search_api.h"
#include "bdp/unit_api.h"

#include <stdio.h>
#include <string.h>

static const struct route routes[] = {
    {M_GET, "/healthz", ops_healthz, NULL, false},
    {M_GET, "/readyz", ops_readyz, NULL, false},
    {M_GET, "/openapi.yaml", ops_openapi, NULL, false},
    {M_GET, "/v1/changes", change_api_list, NULL, true},
    {M_PUT, "/v1/sources/{name}/practices/{name}", practice_api_put_by_source, NULL, false},
    {M_GET, "/v1/practices", search_api_list, NULL, true},
    {M_GET, "/v1/stats", search_api_stats, NULL, false},
    {M_POST, "/v1/bulk/{name}", bulk_api_upload, NULL, true},
    {M_POST, "/v1/practices", resource_create, &practice_resource, false},
    {M_GET, "/v1/practices/{id}", resource_get, &practice_resource, false},
    {M_PUT, "/v1/practices/{id}", resource_replace, &practice_resource, false},
    {M_PATCH, "/v1/practices/{id}", resource_patch, &practice_resource, false},
    {M_DELETE, "/v1/practices/{id}", resource_delete, &practice_resource, false},
    {M_GET, "/v1/practices/{id}/contacts", contact_api_list, NULL, true},
    {M_POST, "/v1/practices/{id}/contacts", resource_create, &contact_resource, false},
    {M_GET, "/v1/contacts/{id}", resource_get, &contact_resource, false},
    {M_PUT, "/v1/contacts/{id}", resource_replace, &contact_resource, false},
    {M_PATCH, "/v1/contacts/{id}", resource_patch, &contact_resource, false},
    {M_DELETE, "/v1/contacts/{id}", resource_delete, &contact_resource, false},
    {M_GET, "/v1/units", unit_api_list, NULL, true},
    {M_POST, "/v1/units", resource_create, &unit_resource, false},
    {M_GET, "/v1/units/{id}", resource_get, &unit_resource, false},
    {M_PUT, "/v1/units/{id}", resource_replace, &unit_resource, false},
    {M_PATCH, "/v1/units/{id}", resource_patch, &unit_resource, false},
    {M_DELETE, "/v1/units/{id}", resource_delete, &unit_resource, false},
    {M_GET, "/v1/categories", category_api_list, NULL, true},
    {M_POST, "/v1/categories", resource_create, &category_resource, false},
    {M_GET, "/v1/categories/{id}", resource_get, &category_resource, false},
    {M_PUT, "/v1/categories/{id}", resource_replace, &category_resource, false},
    {M_PATCH, "/v1/categories/{id}", resource_patch, &category_resource, false},
    {M_DELETE, "/v1/categories/{id}", resource_delete, &category_resource, false},
};

/* Matches one segment of an id: 1..2147483647, no sign, no leading zero. */
static bool match_id(const char *s, size_t n, long long *id)
{
    if (n == 0 || n > 10 || s[0] == '0')
        return false;
    long long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    if (v > 2147483647LL)
        return false;
    *id = v;
    return true;
}

static bool match(const char *pattern, const char *path, long long *id, struct route_names *names)
{
    if (names)
        names->n = 0;
    while (*pattern && *path) {
        if (strncmp(pattern, "{name}", 6) == 0) {
            size_t n = strcspn(path, "/");
            if (n == 0 || n > 200 || !names || names->n == ROUTE_MAX_NAMES)
                return false;
            memcpy(names->value[names->n], path, n);
            names->value[names->n++][n] = '\0';
            pattern += 6;
            path += n;
        } else if (strncmp(pattern, "{id}", 4) == 0) {
            size_t n = strcspn(path, "/");
            if (!match_id(path, n, id))
                return false;
            pattern += 4;
            path += n;
        } else if (*pattern++ != *path++) {
            return false;
        }
    }
    return *pattern == '\0' && *path == '\0';
}

const struct route *router_find(enum method m, const char *path, long long *id, unsigned *allowed)
{
    struct route_names names;
    return router_find_names(m, path, id, &names, allowed);
}

const struct route *router_find_names(enum method m, const char *path, long long *id,
                                      struct route_names *names, unsigned *allowed)
{
    struct route_names scratch;
    enum method want = m == M_HEAD ? M_GET : m;
    const struct route *found = NULL;
    *allowed = 0;
    *id = 0;
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        long long rid = 0;
        if (!match(routes[i].pattern, path, &rid, found ? &scratch : names))
            continue;
        *allowed |= 1u << routes[i].method;
        if (routes[i].method == M_GET)
            *allowed |= 1u << M_HEAD;
        if (routes[i].method == want && !found) {
            found = &routes[i];
            *id = rid;
        }
    }
    if (*allowed)
        *allowed |= 1u << M_OPTIONS;
    return found;
}

void router_allow_header(unsigned allowed, char *out, size_t outlen)
{
    size_t len = 0;
    out[0] = '\0';
    for (int m = 0; m < M__MAX; m++)
        if (allowed & (1u << m))
            len += (size_t)snprintf(out + len, len < outlen ? outlen - len : 0, "%s%s",
                                    len ? ", " : "", method_name((enum method)m));
}
