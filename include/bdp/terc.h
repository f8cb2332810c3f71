/* The GUS TERC register (WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA): its
 * header, and its rows turned into unit records for the bulk endpoint.
 * Pure: no files; the only state is what earlier rows of the file said. */
#ifndef BDP_TERC_H
#define BDP_TERC_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

enum terc_column {
    TERC_WOJ,
    TERC_POW,
    TERC_GMI,
    TERC_RODZ,
    TERC_NAZWA,
    TERC_NAZWA_DOD,
    TERC_STAN_NA,
    TERC__MAX
};

/* The header's names, in file order, indexed by enum terc_column. */
extern const char *const terc_columns[TERC__MAX];

/* Whether line (NUL-terminated; may start with a UTF-8 BOM, end in "\n" or
 * "\r\n", have its names quoted) is the TERC header. */
bool terc_is_header(const char *line);

/* What earlier rows of one file said: the names of the powiaty, which the
 * rows of their gminy name as county. Memory is bounded by the TERYT code
 * space (at most 10,000 powiaty of at most 200 characters each). */
struct terc;

struct terc *terc_new(void);    /* new; free with terc_free */
void terc_free(struct terc *t); /* NULL is fine */

enum terc_result {
    TERC_UNIT, /* *unit is a new unit record */
    TERC_SKIP, /* a row that is no unit: a part of an urban-rural gmina
                  (RODZ 4, 5), a district or delegation (RODZ 8, 9) */
    TERC_BAD,  /* *field names the TERC column, why (caller's, whylen bytes)
                  says what is wrong */
};

/* Converts one data row; row[i] is the value of column i, borrowed,
 * NUL-terminated, valid UTF-8. A unit record has type, teryt, name,
 * voivodeship (by the WOJ code, as in teryt.h), county (for a powiat its
 * own name, for a gmina its powiat's if that row came earlier) and
 * parent_teryt (the code of the powiat or voivodeship above). A voivodeship
 * keeps its name lowercased (TERC writes them in capitals). */
enum terc_result terc_convert(struct terc *t, const char *const row[TERC__MAX], json_t **unit,
                              const char **field, char *why, size_t whylen)
    __attribute__((warn_unused_result));

#endif
