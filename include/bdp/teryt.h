/* TERYT codes, unit types and voivodeships: the rules that tie them. Pure. */
#ifndef BDP_TERYT_H
#define BDP_TERYT_H

#include <stdbool.h>
#include <stddef.h>

extern const char *const unit_types[];   /* NULL-ended */
extern const char *const voivodeships[]; /* NULL-ended, the 16, as in the seeds */

/* The two-digit TERYT code of a voivodeship name ("22" for pomorskie), or NULL. */
const char *teryt_voivodeship_code(const char *voivodeship);

/* Checks teryt (may be NULL) against type and voivodeship (may be NULL).
 * NULL if they agree, else a message naming what is wrong; *field says
 * which field the message belongs to ("teryt" or "voivodeship"). */
const char *teryt_check(const char *teryt, const char *type, const char *voivodeship,
                        const char **field);

#endif
