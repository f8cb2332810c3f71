/* The route table: every route matches its method and path, ids are
 * positive 32-bit integers spelled one way, 404 vs 405, the Allow text. */
#include "bdp/buf.h"
#include "bdp/category_api.h"
#include "bdp/contact_api.h"
#include "bdp/ops_api.h"
#include "bdp/practice_api.h"
#include "bdp/search_api.h"
#include "bdp/router.h"
#include "bdp/unit_api.h"

#include "check.h"

#include <jansson.h>
#include <stdlib.h>

#define BIT(m) (1u << (m))

static const struct {
    enum method m;
    const char *path;
    handler_fn handler;
    const struct resource *res;
    long long id;
} table[] = {
    {M_GET, "/healthz", ops_healthz, NULL, 0},
    {M_GET, "/readyz", ops_readyz, NULL, 0},
    {M_GET, "/openapi.yaml", ops_openapi, NULL, 0},
    {M_GET, "/v1/practices", search_api_list, NULL, 0},
    {M_GET, "/v1/stats", search_api_stats, NULL, 0},
    {M_POST, "/v1/practices", resource_create, &practice_resource, 0},
    {M_GET, "/v1/practices/7", resource_get, &practice_resource, 7},
    {M_PUT, "/v1/practices/8", resource_replace, &practice_resource, 8},
    {M_PATCH, "/v1/practices/9", resource_patch, &practice_resource, 9},
    {M_DELETE, "/v1/practices/10", resource_delete, &practice_resource, 10},
    {M_GET, "/v1/practices/11/contacts", contact_api_list, NULL, 11},
    {M_POST, "/v1/practices/12/contacts", resource_create, &contact_resource, 12},
    {M_GET, "/v1/contacts/13", resource_get, &contact_resource, 13},
    {M_PUT, "/v1/contacts/14", resource_replace, &contact_resource, 14},
    {M_PATCH, "/v1/contacts/15", resource_patch, &contact_resource, 15},
    {M_DELETE, "/v1/contacts/16", resource_delete, &contact_resource, 16},
    {M_GET, "/v1/units", unit_api_list, NULL, 0},
    {M_POST, "/v1/units", resource_create, &unit_resource, 0},
    {M_GET, "/v1/units/17", resource_get, &unit_resource, 17},
    {M_PUT, "/v1/units/18", resource_replace, &unit_resource, 18},
    {M_PATCH, "/v1/units/19", resource_patch, &unit_resource, 19},
    {M_DELETE, "/v1/units/20", resource_delete, &unit_resource, 20},
    {M_GET, "/v1/categories", category_api_list, NULL, 0},
    {M_POST, "/v1/categories", resource_create, &category_resource, 0},
    {M_GET, "/v1/categories/21", resource_get, &category_resource, 21},
    {M_PUT, "/v1/categories/22", resource_replace, &category_resource, 22},
    {M_PATCH, "/v1/categories/23", resource_patch, &category_resource, 23},
    {M_DELETE, "/v1/categories/24", resource_delete, &category_resource, 24},
};

static void test_every_route(void)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        long long id = -1;
        unsigned allowed = 0;
        const struct route *r = router_find(table[i].m, table[i].path, &id, &allowed);
        CHECK(r != NULL);
        if (!r) {
            fprintf(stderr, "    %s %s\n", method_name(table[i].m), table[i].path);
            continue;
        }
        CHECK(r->handler == table[i].handler);
        CHECK(r->res == table[i].res);
        CHECK_INT(r->method, table[i].m);
        CHECK_INT(id, table[i].id);
        CHECK(allowed & BIT(table[i].m));
        CHECK(allowed & BIT(M_OPTIONS));
        /* HEAD is served by every GET route. */
        if (table[i].m == M_GET) {
            id = -1;
            const struct route *h = router_find(M_HEAD, table[i].path, &id, &allowed);
            CHECK(h == r);
            CHECK_INT(id, table[i].id);
            CHECK(allowed & BIT(M_HEAD));
        }
    }
}

static void test_ids(void)
{
    static const struct {
        const char *path;
        long long id; /* 0: no match */
    } cases[] = {
        {"/v1/practices/1", 1},
        {"/v1/practices/2147483647", 2147483647LL},
        {"/v1/practices/1000000000", 1000000000LL},
        {"/v1/practices/0", 0},
        {"/v1/practices/-1", 0},
        {"/v1/practices/01", 0},
        {"/v1/practices/2147483648", 0},
        {"/v1/practices/9999999999", 0},
        {"/v1/practices/10000000000", 0},
        {"/v1/practices/abc", 0},
        {"/v1/practices/1a", 0},
        {"/v1/practices/+1", 0},
        {"/v1/practices/ 1", 0},
        {"/v1/practices/", 0},
        {"/v1/practices//contacts", 0},
        {"/v1/practices/1/contacts", 1},
        {"/v1/practices/2147483647/contacts", 2147483647LL},
        {"/v1/practices/2147483648/contacts", 0},
        {"/v1/practices/0/contacts", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        long long id = -1;
        unsigned allowed = 0xFFFF;
        const struct route *r = router_find(M_GET, cases[i].path, &id, &allowed);
        if (cases[i].id) {
            CHECK(r != NULL);
            CHECK_INT(id, cases[i].id);
        } else {
            CHECK(r == NULL);
            CHECK_INT(allowed, 0);
            CHECK_INT(id, 0);
        }
        if ((r != NULL) != (cases[i].id != 0))
            fprintf(stderr, "    path %s\n", cases[i].path);
    }
}

static void test_not_found(void)
{
    static const char *const paths[] = {
        "",
        "/",
        "/v1",
        "/v1/",
        "/v1/practices/",
        "//v1/practices",
        "/v1//practices",
        "/v1/practices//",
        "/v1/practices/1/",
        "/v1/practices/1/contacts/",
        "/v1/practices/1/contacts/2",
        "/v1/practices/1//contacts",
        "/v1/units/",
        "/v1/units/1/",
        "/v1/categories/",
        "/v1/contacts",
        "/v1/contacts/",
        "/healthz/",
        "/healthzz",
        "/health",
        "/HEALTHZ",
        "/V1/practices",
        "/v1/practice",
        "/v1/practicesx",
        "/v2/practices",
        "/openapi.json",
        "/v1/practices?limit=1",
    };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        for (int m = 0; m < M__MAX; m++) {
            long long id = -1;
            unsigned allowed = 0xFFFF;
            const struct route *r = router_find((enum method)m, paths[i], &id, &allowed);
            CHECK(r == NULL);
            CHECK_INT(allowed, 0);
            if (r || allowed)
                fprintf(stderr, "    %s %s\n", method_name((enum method)m), paths[i]);
        }
    }
}

static void test_method_not_allowed(void)
{
    long long id = -1;
    unsigned allowed = 0;

    CHECK(router_find(M_DELETE, "/v1/practices", &id, &allowed) == NULL);
    CHECK_INT(allowed, BIT(M_GET) | BIT(M_HEAD) | BIT(M_POST) | BIT(M_OPTIONS));

    CHECK(router_find(M_PUT, "/v1/units", &id, &allowed) == NULL);
    CHECK_INT(allowed, BIT(M_GET) | BIT(M_HEAD) | BIT(M_POST) | BIT(M_OPTIONS));

    CHECK(router_find(M_POST, "/v1/practices/5", &id, &allowed) == NULL);
    CHECK_INT(allowed, BIT(M_GET) | BIT(M_HEAD) | BIT(M_PUT) | BIT(M_PATCH) | BIT(M_DELETE) |
                           BIT(M_OPTIONS));

    CHECK(router_find(M_POST, "/v1/contacts/5", &id, &allowed) == NULL);
    CHECK_INT(allowed, BIT(M_GET) | BIT(M_HEAD) | BIT(M_PUT) | BIT(M_PATCH) | BIT(M_DELETE) |
                           BIT(M_OPTIONS));

    CHECK(router_find(M_DELETE, "/v1/practices/5/contacts", &id, &allowed) == NULL);
    CHECK_INT(allowed, BIT(M_GET) | BIT(M_HEAD) | BIT(M_POST) | BIT(M_OPTIONS));

    CHECK(router_find(M_POST, "/healthz", &id, &allowed) == NULL);
    CHECK_INT(allowed, BIT(M_GET) | BIT(M_HEAD) | BIT(M_OPTIONS));

    CHECK(router_find(M_DELETE, "/openapi.yaml", &id, &allowed) == NULL);
    CHECK_INT(allowed, BIT(M_GET) | BIT(M_HEAD) | BIT(M_OPTIONS));

    /* OPTIONS has no route of its own: the server answers it from allowed. */
    CHECK(router_find(M_OPTIONS, "/v1/categories/3", &id, &allowed) == NULL);
    CHECK_INT(allowed, BIT(M_GET) | BIT(M_HEAD) | BIT(M_PUT) | BIT(M_PATCH) | BIT(M_DELETE) |
                           BIT(M_OPTIONS));

    /* A found route reports every method of its path too. */
    CHECK(router_find(M_GET, "/v1/categories", &id, &allowed) != NULL);
    CHECK_INT(allowed, BIT(M_GET) | BIT(M_HEAD) | BIT(M_POST) | BIT(M_OPTIONS));
    CHECK_INT(id, 0);
}

static void test_allow_header(void)
{
    char out[128];
    router_allow_header(BIT(M_GET) | BIT(M_HEAD) | BIT(M_POST), out, sizeof out);
    CHECK_STR(out, "GET, HEAD, POST");

    router_allow_header(BIT(M_OPTIONS) | BIT(M_DELETE) | BIT(M_GET), out, sizeof out);
    CHECK_STR(out, "GET, DELETE, OPTIONS");

    router_allow_header((1u << M__MAX) - 1, out, sizeof out);
    CHECK_STR(out, "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");

    router_allow_header(BIT(M_PATCH), out, sizeof out);
    CHECK_STR(out, "PATCH");

    strcpy(out, "junk");
    router_allow_header(0, out, sizeof out);
    CHECK_STR(out, "");

    long long id;
    unsigned allowed;
    router_find(M_PATCH, "/v1/units", &id, &allowed);
    router_allow_header(allowed, out, sizeof out);
    CHECK_STR(out, "GET, HEAD, POST, OPTIONS");

    router_find(M_POST, "/v1/units/3", &id, &allowed);
    router_allow_header(allowed, out, sizeof out);
    CHECK_STR(out, "GET, HEAD, PUT, PATCH, DELETE, OPTIONS");

    /* A short buffer is truncated, never overrun. */
    char small[9];
    memset(small, 'x', sizeof small);
    router_allow_header(BIT(M_GET) | BIT(M_HEAD) | BIT(M_POST), small, 8);
    CHECK_STR(small, "GET, HE");
    CHECK_INT(small[8], 'x');
}

int main(void)
{
    json_set_alloc_funcs(xmalloc, free);
    test_every_route();
    test_ids();
    test_not_found();
    test_method_not_allowed();
    test_allow_header();
    return check_report();
}
