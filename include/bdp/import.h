/* `bdp import [--mode atomic|partial] [--dry-run] [--resource R] FILE...`:
 * NDJSON (.ndjson, .jsonl), JSON arrays (.json), CSV (.csv; the TERC
 * register is recognised by its header and goes to units) and pages of the
 * old site (.txt) through the same upload as the bulk endpoint, with a
 * progress line on a terminal and one summary line at the end. */
#ifndef BDP_IMPORT_H
#define BDP_IMPORT_H

#include "bdp/bulk_json.h"

#include <stdbool.h>

/* Returns the exit status: 0 all written, 1 anything refused or failed,
 * 2 no files. kind: what .ndjson/.json/.csv files hold. */
int import_run(const char *conninfo, int nfiles, char **files, bool atomic, bool dry_run,
               enum bulk_kind kind);

#endif
