/* Opaque keyset cursors: base64url of "<kind>:<keys>", checked on decode so a
 * forged or truncated cursor is a 400, never a query. Pure. */
#ifndef BDP_CURSOR_H
#define BDP_CURSOR_H

#include "bdp/buf.h"

#include <stdbool.h>

/* Cursor after the row with this id (lists ordered by id). */
void cursor_encode_id(struct buf *out, long long id);
bool cursor_decode_id(const char *cursor, long long *id) __attribute__((warn_unused_result));

/* Cursor after the row with this sort key (any text without NUL) and id,
 * for the list kind (one letter); decode fills key (caller frees) and
 * fails for another kind. The caller checks the key's form. */
void cursor_encode_key(struct buf *out, char kind, const char *key, long long id);
bool cursor_decode_key(const char *cursor, char kind, struct buf *key, long long *id)
    __attribute__((warn_unused_result));

/* A change feed cursor: "c:<txid>:<seq>" (made in SQL by the feed query);
 * txid (decimal, up to 20 digits) is copied into txid. */
bool cursor_decode_change(const char *cursor, char txid[24], long long *seq)
    __attribute__((warn_unused_result));

/* base64url without padding; decode returns false for anything else. */
void base64url_encode(struct buf *out, const unsigned char *data, size_t len);
bool base64url_decode(const char *in, struct buf *out) __attribute__((warn_unused_result));

#endif
