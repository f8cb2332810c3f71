/* `bdp legacy`: pages of the old BDP site ("Skrót i Metryka" view, as text)
 * to the records of the bulk endpoint, one JSON object a page. */
#ifndef BDP_LEGACY_H
#define BDP_LEGACY_H

#include <jansson.h>
#include <stddef.h>

/* Converts the page text[0..len) into a new record whose external_id is
 * external_id (borrowed). Pure: no files, no globals. NULL when the page is
 * not UTF-8, not a practice page (no title, no "Metryka praktyki") or holds
 * a value that cannot be read (a date, a number, a unit type); err (caller's,
 * errlen bytes) then says why, naming the label. */
json_t *legacy_convert(const char *text, size_t len, const char *external_id, char *err,
                       size_t errlen) __attribute__((warn_unused_result));

/* Reads the file at path and converts it; the external_id is the file's
 * base name without ".txt". New record, or NULL with err as above (or why
 * the file could not be read). */
json_t *legacy_convert_file(const char *path, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* `bdp legacy FILE...`: one compact JSON line a converted page on stdout,
 * "bdp legacy: FILE: reason" on stderr for every other page. Returns the
 * exit status: 0 all converted, 1 some failed, 2 usage (no files). */
int legacy_run(int nfiles, char **files);

#endif
