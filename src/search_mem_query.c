/* A tsquery, as PostgreSQL prints it, over the snapshot: parsed into a
 * tree, evaluated on the postings (which practices match) and on one
 * practice's title (the relevance search_store.c's RANK gives:
 * (title_vector @@ q)::int + ts_rank(title_vector, q), as real). */
#include "bdp/search_mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct parse {
    const struct smem *m;
    struct smem_query *q;
    const char *p;
    bool bad; /* something the snapshot cannot answer */
    struct buf lexeme;
};

static int node(struct smem_query *q, enum smem_qkind kind, int a, int b)
{
    if (q->n == q->cap) {
        q->cap = q->cap ? 2 * q->cap : 16;
        q->nodes = xrealloc(q->nodes, (size_t)q->cap * sizeof *q->nodes);
    }
    int da = a >= 0 ? q->nodes[a].depth : 0, db = b >= 0 ? q->nodes[b].depth : 0;
    q->nodes[q->n] =
        (struct smem_qnode){.kind = kind, .a = a, .b = b, .depth = 1 + (da > db ? da : db)};
    return q->n++;
}

static void skip_spaces(struct parse *x)
{
    while (*x->p == ' ')
        x->p++;
}

static int parse_or(struct parse *x);

/* 'lexeme': quotes and backslashes inside are doubled. */
static int parse_operand(struct parse *x)
{
    buf_reset(&x->lexeme);
    x->p++;
    for (;;) {
        if (!*x->p) {
            x->bad = true;
            return -1;
        }
        if ((*x->p == '\'' && x->p[1] == '\'') || (*x->p == '\\' && x->p[1])) {
            buf_append(&x->lexeme, x->p + 1, 1);
            x->p += 2;
        } else if (*x->p == '\'') {
            x->p++;
            break;
        } else {
            buf_append(&x->lexeme, x->p++, 1);
        }
    }
    if (*x->p == ':') { /* a weight or a prefix */
        x->bad = true;
        return -1;
    }
    int n = node(x->q, SMEM_Q_VAL, -1, -1);
    x->q->nodes[n].lexeme = xstrdup(buf_cstr(&x->lexeme));
    return n;
}

static int parse_unary(struct parse *x)
{
    skip_spaces(x);
    int n = -1;
    if (*x->p == '!') {
        x->p++;
        int a = parse_unary(x);
        return a < 0 ? -1 : node(x->q, SMEM_Q_NOT, a, -1);
    }
    if (*x->p == '(') {
        x->p++;
        n = parse_or(x);
        skip_spaces(x);
        if (n >= 0 && *x->p == ')')
            x->p++;
        else
            x->bad = true;
    } else if (*x->p == '\'') {
        n = parse_operand(x);
    } else {
        x->bad = true;
    }
    return x->bad ? -1 : n;
}

/* a <-> b, a <N> b: left to right, tighter than & (as PostgreSQL prints). */
static int parse_phrase(struct parse *x)
{
    int n = parse_unary(x);
    while (n >= 0 && (skip_spaces(x), *x->p == '<')) {
        long dist = 1;
        char *end = (char *)x->p + 3;
        if (strncmp(x->p, "<->", 3) != 0) {
            dist = strtol(x->p + 1, &end, 10);
            if (end == x->p + 1 || *end != '>' || dist < 0 || dist > 16384) {
                x->bad = true;
                return -1;
            }
            end++;
        }
        x->p = end;
        int b = parse_unary(x);
        n = b < 0 ? -1 : node(x->q, SMEM_Q_PHRASE, n, b);
        if (n >= 0)
            x->q->nodes[n].dist = (int)dist;
    }
    return n;
}

static int parse_binary(struct parse *x, char op, enum smem_qkind kind,
                        int (*operand)(struct parse *))
{
    int n = operand(x);
    while (n >= 0 && (skip_spaces(x), *x->p == op)) {
        x->p++;
        int b = operand(x);
        n = b < 0 ? -1 : node(x->q, kind, n, b);
    }
    return n;
}

static int parse_and(struct parse *x)
{
    return parse_binary(x, '&', SMEM_Q_AND, parse_phrase);
}

static int parse_or(struct parse *x)
{
    return parse_binary(x, '|', SMEM_Q_OR, parse_and);
}

static int item_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The operands, each once, in byte order: as ts_rank takes them
 * (SortAndUniqItems), which decides the order its sums round in. */
static void collect_items(const struct smem *m, struct smem_query *q)
{
    q->items = xmalloc((size_t)q->n * sizeof *q->items);
    for (int i = 0; i < q->n; i++)
        if (q->nodes[i].kind == SMEM_Q_VAL)
            q->items[q->nitems++] = q->nodes[i].lexeme;
    qsort(q->items, q->nitems, sizeof *q->items, item_cmp);
    size_t u = 0;
    for (size_t i = 0; i < q->nitems; i++)
        if (!u || strcmp(q->items[u - 1], q->items[i]) != 0)
            q->items[u++] = q->items[i];
    q->nitems = u;
    q->item_title = xmalloc((u ? u : 1) * sizeof *q->item_title);
    q->item_tterm = xmalloc((u ? u : 1) * sizeof *q->item_tterm);
    for (size_t i = 0; i < u; i++) {
        q->item_tterm[i] = smem_title_term(m, q->items[i], strlen(q->items[i]));
        q->item_title[i] = q->item_tterm[i] ? q->item_tterm[i]->id : UINT32_MAX;
    }
    for (int i = 0; i < q->n; i++) {
        struct smem_qnode *nd = &q->nodes[i];
        if (nd->kind != SMEM_Q_VAL)
            continue;
        char **hit = bsearch(&nd->lexeme, q->items, q->nitems, sizeof *q->items, item_cmp);
        nd->item = (uint32_t)(hit - q->items);
        nd->term = smem_term(m, nd->lexeme, strlen(nd->lexeme));
    }
}

/* How deep a tree may be: its evaluation recurses once a level, on a
 * worker's small stack (the positions phrases need are on the heap). A
 * deeper one (a thousand characters of "a a a ...") is PostgreSQL's. */
#define MAX_DEPTH 64

/* Whether node n, under a phrase, is what positions can answer: held
 * lexemes with positions, their alternatives, and phrases whose right
 * side is no phrase (a right side's width would shift the left's
 * positions, which PostgreSQL prints only in parentheses). */
static bool positional(const struct smem_query *q, int n)
{
    const struct smem_qnode *nd = &q->nodes[n];
    switch (nd->kind) {
    case SMEM_Q_VAL: return nd->term && !nd->term->nopos;
    case SMEM_Q_OR: return positional(q, nd->a) && positional(q, nd->b);
    case SMEM_Q_PHRASE:
        return q->nodes[nd->b].kind != SMEM_Q_PHRASE && positional(q, nd->a) &&
               positional(q, nd->b);
    default: return false;
    }
}

/* Whether every phrase in the tree is positional. */
static bool phrases_positional(const struct smem_query *q, int n)
{
    const struct smem_qnode *nd = &q->nodes[n];
    switch (nd->kind) {
    case SMEM_Q_VAL: return true;
    case SMEM_Q_NOT: return phrases_positional(q, nd->a);
    case SMEM_Q_PHRASE: return positional(q, n);
    default: return phrases_positional(q, nd->a) && phrases_positional(q, nd->b);
    }
}

bool smem_query_parse(const struct smem *m, const char *tsquery, struct smem_query *q)
{
    *q = (struct smem_query){0};
    struct parse x = {m, q, tsquery, false, BUF_INIT};
    q->root = parse_or(&x);
    skip_spaces(&x);
    buf_free(&x.lexeme);
    if (q->root < 0 || *x.p) {
        smem_query_free(q);
        return false;
    }
    /* ts_rank's "and" form: & at the top (search_store.c's walk relies
     * on the same distinction). */
    q->top_and = q->nodes[q->root].kind == SMEM_Q_AND || q->nodes[q->root].kind == SMEM_Q_PHRASE;
    collect_items(m, q);
    if (q->nodes[q->root].depth > MAX_DEPTH || !phrases_positional(q, q->root)) {
        smem_query_free(q);
        return false;
    }
    q->fetched = xmalloc((q->nitems ? q->nitems : 1) * sizeof *q->fetched);
    q->nfetched = xmalloc((q->nitems ? q->nitems : 1) * sizeof *q->nfetched);
    memset(q->fetched, 0, (q->nitems ? q->nitems : 1) * sizeof *q->fetched);
    memset(q->nfetched, 0, (q->nitems ? q->nitems : 1) * sizeof *q->nfetched);
    return true;
}

/* The node of an item whose lexeme is not held: -1 if held. */
static int unheld_node(const struct smem_query *q, size_t item)
{
    for (int i = 0; i < q->n; i++)
        if (q->nodes[i].kind == SMEM_Q_VAL && q->nodes[i].item == item)
            return q->nodes[i].term ? -1 : i;
    return -1;
}

size_t smem_query_unheld(const struct smem_query *q, const char **lexemes, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < q->nitems && n < max; i++)
        if (unheld_node(q, i) >= 0 && !q->fetched[i])
            lexemes[n++] = q->items[i];
    return n;
}

static int u32_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

void smem_query_fetched(struct smem_query *q, const struct smem *m, const char *lexeme,
                        const int32_t *ids, size_t n)
{
    char **hit = bsearch(&lexeme, q->items, q->nitems, sizeof *q->items, item_cmp);
    if (!hit)
        return;
    size_t item = (size_t)(hit - q->items);
    free(q->fetched[item]);
    q->fetched[item] = xmalloc((n ? n : 1) * sizeof **q->fetched);
    q->nfetched[item] = 0;
    for (size_t k = 0; k < n; k++) {
        uint32_t i = smem_doc_index(m, ids[k]);
        if (i != UINT32_MAX)
            q->fetched[item][q->nfetched[item]++] = i;
    }
    qsort(q->fetched[item], q->nfetched[item], sizeof **q->fetched, u32_cmp);
}

void smem_query_free(struct smem_query *q)
{
    for (int i = 0; i < q->n; i++)
        free(q->nodes[i].lexeme);
    free(q->nodes);
    free(q->items);
    free(q->item_title);
    free(q->item_tterm);
    for (size_t i = 0; q->fetched && i < q->nitems; i++)
        free(q->fetched[i]);
    free(q->fetched);
    free(q->nfetched);
    *q = (struct smem_query){0};
}

/* ---- which practices match: the tree on bitmaps */

static uint64_t *bitmap(size_t words)
{
    uint64_t *b = xmalloc((words ? words : 1) * sizeof *b);
    memset(b, 0, (words ? words : 1) * sizeof *b);
    return b;
}

#define POS_MAX 1024 /* positions of alternatives of a phrase's word, at most */

/* The positions of an OR of a and b (their union), or of a phrase a <N>
 * b (those of b with one of a N before), as PostgreSQL's phrase
 * operator gives them; sorted, unique. */
static int merge_positions(const struct smem_qnode *nd, const uint16_t *a, int na,
                           const uint16_t *b, int nb, uint16_t *out)
{
    int n = 0, i = 0, j = 0;
    if (nd->kind == SMEM_Q_OR) {
        while ((i < na || j < nb) && n < POS_MAX) {
            uint16_t v = j >= nb || (i < na && a[i] < b[j]) ? a[i] : b[j];
            if (i < na && a[i] == v)
                i++;
            if (j < nb && b[j] == v)
                j++;
            out[n++] = v;
        }
        return n;
    }
    for (; j < nb; j++) { /* b[j] - dist among a */
        int want = b[j] - nd->dist;
        while (i < na && a[i] < want)
            i++;
        if (i < na && a[i] == want)
            out[n++] = b[j];
    }
    return n;
}

/* Room for the positions of node n and of each level below it, on the
 * heap (new): two lists a level, and the answer. */
static uint16_t *scratch_for(const struct smem_query *q, int n)
{
    return xmalloc((size_t)(2 * q->nodes[n].depth + 1) * POS_MAX * sizeof(uint16_t));
}

/* Where node n (positional) matches in doc i: for a phrase, where its
 * last word is. Into out, sorted, unique; their count. scratch: room for
 * the levels below (scratch_for). */
static int doc_positions(const struct smem_query *q, int n, uint32_t i, uint16_t *out,
                         uint16_t *scratch)
{
    const struct smem_qnode *nd = &q->nodes[n];
    if (nd->kind == SMEM_Q_VAL)
        return smem_positions(nd->term, i, out);
    uint16_t *a = scratch, *b = scratch + POS_MAX;
    int na = doc_positions(q, nd->a, i, a, scratch + 2 * POS_MAX),
        nb = na || nd->kind == SMEM_Q_OR ? doc_positions(q, nd->b, i, b, scratch + 2 * POS_MAX) : 0;
    return merge_positions(nd, a, na, b, nb, out);
}

/* Clears in b the docs where phrase n's words are not in place. */
static void phrase_in_place(const struct smem_query *q, int n, uint64_t *b, size_t words)
{
    uint16_t *out = scratch_for(q, n);
    for (size_t k = 0; k < words; k++)
        for (uint64_t r = b[k]; r; r &= r - 1) {
            unsigned bit = (unsigned)__builtin_ctzll(r);
            if (!doc_positions(q, n, (uint32_t)(k * 64 + bit), out, out + POS_MAX))
                b[k] &= ~(1ull << bit);
        }
    free(out);
}

static uint64_t *eval_bits(const struct smem *m, const struct smem_query *q, int n, size_t words)
{
    const struct smem_qnode *nd = &q->nodes[n];
    uint64_t *b, *c;
    switch (nd->kind) {
    case SMEM_Q_VAL:
        b = bitmap(words);
        if (!nd->term)
            for (uint32_t i = 0; i < q->nfetched[nd->item]; i++)
                b[q->fetched[nd->item][i] / 64] |= 1ull << (q->fetched[nd->item][i] % 64);
        else if (nd->term->bits)
            memcpy(b, nd->term->bits, words * sizeof *b);
        else
            for (uint32_t i = 0; i < nd->term->n; i++)
                b[nd->term->docs[i] / 64] |= 1ull << (nd->term->docs[i] % 64);
        return b;
    case SMEM_Q_NOT:
        b = eval_bits(m, q, nd->a, words);
        for (size_t i = 0; i < words; i++)
            b[i] = ~b[i];
        if (m->ndocs % 64)
            b[words - 1] &= (1ull << (m->ndocs % 64)) - 1;
        return b;
    case SMEM_Q_AND:
    case SMEM_Q_OR:
    case SMEM_Q_PHRASE:
        b = eval_bits(m, q, nd->a, words);
        c = eval_bits(m, q, nd->b, words);
        for (size_t i = 0; i < words; i++)
            b[i] = nd->kind == SMEM_Q_OR ? b[i] | c[i] : b[i] & c[i];
        free(c);
        if (nd->kind == SMEM_Q_PHRASE) /* both words there: are they in place? */
            phrase_in_place(q, n, b, words);
        return b;
    }
    abort();
}

uint64_t *smem_query_matches(const struct smem *m, const struct smem_query *q)
{
    for (size_t i = 0; i < q->nitems; i++)
        if (!q->fetched[i] && unheld_node(q, i) >= 0)
            return NULL;
    size_t words = (m->ndocs + 63) / 64;
    uint64_t *b = eval_bits(m, q, q->root, words);
    for (size_t i = 0; i < words; i++) /* no vector yet: no match */
        b[i] &= m->indexed[i];
    return b;
}

/* ---- relevance: the title's match and ts_rank, as PostgreSQL computes
 * them (src/backend/utils/adt/tsrank.c: calc_rank_or, calc_rank_and),
 * with the same types so that every rounding is the same. */

/* The positions of each item in a title: [start, end) in smem.title_pos;
 * start == end: not there. */
struct spans {
    uint32_t *start, *end;
};

/* Where node n (positional) matches in a title (sp; NULL: an empty one). */
static int title_positions(const struct smem *m, const struct smem_query *q, int n,
                           const struct spans *sp, uint16_t *out, uint16_t *scratch)
{
    const struct smem_qnode *nd = &q->nodes[n];
    if (nd->kind == SMEM_Q_VAL) {
        int k = 0;
        for (uint32_t e = sp ? sp->start[nd->item] : 0; sp && e < sp->end[nd->item] && k < POS_MAX;
             e++)
            out[k++] = m->title_pos[e] & 0x3fff;
        return k;
    }
    uint16_t *a = scratch, *b = scratch + POS_MAX;
    int na = title_positions(m, q, nd->a, sp, a, scratch + 2 * POS_MAX),
        nb = title_positions(m, q, nd->b, sp, b, scratch + 2 * POS_MAX);
    return merge_positions(nd, a, na, b, nb, out);
}

/* Whether the title (sp; NULL: one with none of the query's lexemes)
 * matches node n. */
static bool title_phrase(const struct smem *m, const struct smem_query *q, int n,
                         const struct spans *sp)
{
    uint16_t *out = scratch_for(q, n);
    bool there = title_positions(m, q, n, sp, out, out + POS_MAX) > 0;
    free(out);
    return there;
}

static bool title_match(const struct smem *m, const struct smem_query *q, int n,
                        const struct spans *sp)
{
    const struct smem_qnode *nd = &q->nodes[n];
    switch (nd->kind) {
    case SMEM_Q_VAL: return sp && sp->start[nd->item] != sp->end[nd->item];
    case SMEM_Q_NOT: return !title_match(m, q, nd->a, sp);
    case SMEM_Q_AND: return title_match(m, q, nd->a, sp) && title_match(m, q, nd->b, sp);
    case SMEM_Q_OR: return title_match(m, q, nd->a, sp) || title_match(m, q, nd->b, sp);
    case SMEM_Q_PHRASE: return title_phrase(m, q, n, sp);
    }
    return false;
}

bool smem_query_matches_nothing(const struct smem *m, const struct smem_query *q)
{
    return title_match(m, q, q->root, NULL);
}

static const float weights[] = {0.1f, 0.2f, 0.4f, 1.0f}; /* D, C, B, A */
#define WPOS(wep) (weights[(wep) >> 14])
#define WEP_POS(wep) ((wep)&0x3fff)

static float word_distance(int32_t w)
{
    if (w > 100)
        return 1e-30f;
    return (float)(1.0 / (1.005 + 0.05 * exp(((float)w) / 1.5 - 2)));
}

static float rank_or(const struct smem_query *q, const uint16_t *pos, const struct spans *sp)
{
    float res = 0.0f;
    for (size_t i = 0; i < q->nitems; i++) {
        if (sp->start[i] == sp->end[i])
            continue;
        float resj = 0.0f, wjm = -1.0f;
        int32_t jm = 0;
        for (uint32_t j = 0; j < sp->end[i] - sp->start[i]; j++) {
            uint16_t wep = pos[sp->start[i] + j];
            resj = resj + WPOS(wep) / (float)((j + 1) * (j + 1));
            if (WPOS(wep) > wjm) {
                wjm = WPOS(wep);
                jm = (int32_t)j;
            }
        }
        res = (float)(res + (wjm + resj - wjm / (float)((jm + 1) * (jm + 1))) / 1.64493406685);
    }
    if (q->nitems > 0)
        res = res / (float)q->nitems;
    return res;
}

static float rank_and(const struct smem_query *q, const uint16_t *pos, const struct spans *sp)
{
    if (q->nitems < 2)
        return rank_or(q, pos, sp);
    float res = -1.0f;
    for (size_t i = 0; i < q->nitems; i++) {
        if (sp->start[i] == sp->end[i])
            continue;
        for (size_t k = 0; k < i; k++) {
            if (sp->start[k] == sp->end[k])
                continue;
            for (uint32_t l = sp->start[i]; l < sp->end[i]; l++)
                for (uint32_t p = sp->start[k]; p < sp->end[k]; p++) {
                    int32_t dist = abs((int)WEP_POS(pos[l]) - (int)WEP_POS(pos[p]));
                    if (!dist) /* positions are always there: a pair at one place */
                        continue;
                    float curw = (float)sqrt(WPOS(pos[l]) * WPOS(pos[p]) * word_distance(dist));
                    res = res < 0 ? curw : (float)(1.0 - (1.0 - res) * (1.0 - curw));
                }
        }
    }
    return res;
}

float smem_query_rank(const struct smem *m, const struct smem_query *q, uint32_t doc,
                      struct smem_rank_scratch *s)
{
    const struct smem_doc *d = &m->docs[doc];
    if (s->n < q->nitems) {
        s->n = q->nitems;
        s->start = xrealloc(s->start, s->n * sizeof *s->start);
        s->end = xrealloc(s->end, s->n * sizeof *s->end);
        s->present = xrealloc(s->present, s->n * sizeof *s->present);
    }
    struct spans sp = {s->start, s->end};
    /* A title's entries are grouped by lexeme: each item's run. */
    for (size_t i = 0; i < q->nitems; i++) {
        sp.start[i] = sp.end[i] = 0;
        s->present[i] = false;
        if (q->item_title[i] == UINT32_MAX)
            continue;
        for (uint32_t e = d->title_at; e < d->title_at + d->title_n; e++)
            if (m->title_lex[e] == q->item_title[i]) {
                if (!s->present[i])
                    sp.start[i] = e;
                sp.end[i] = e + 1;
                s->present[i] = true;
            } else if (s->present[i]) {
                break;
            }
    }
    bool match = title_match(m, q, q->root, &sp);
    float rank = 0.0f;
    if (d->title_n) { /* ts_rank of an empty vector is 0 */
        rank = q->top_and ? rank_and(q, m->title_pos, &sp) : rank_or(q, m->title_pos, &sp);
        if (rank < 0)
            rank = 1e-20f;
    }
    return (float)((double)match + (double)rank);
}

void smem_rank_scratch_free(struct smem_rank_scratch *s)
{
    free(s->start);
    free(s->end);
    free(s->present);
}
