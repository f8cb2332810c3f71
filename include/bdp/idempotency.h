/* Idempotency-Key on POST: the first answer is stored in the creating
 * transaction and replayed to retries with the same body. */
#ifndef BDP_IDEMPOTENCY_H
#define BDP_IDEMPOTENCY_H

#include "bdp/buf.h"
#include "bdp/db.h"

enum idem_outcome { IDEM_NEW, IDEM_REPLAY, IDEM_MISMATCH, IDEM_ERROR };

struct idem_reply {
    int status;
    struct buf location;
    struct buf body;
};

/* Inside a transaction: claims (principal, key) for the request hash of
 * method, path and body, or finds the stored answer. A concurrent claim waits
 * for the other transaction. IDEM_ERROR sets pb. */
enum idem_outcome idempotency_claim(struct db_conn *c, const char *principal, const char *key,
                                    const char *request, struct idem_reply *out,
                                    struct problem *pb);
/* Stores the answer for a claimed key (same transaction). */
bool idempotency_save(struct db_conn *c, const char *principal, const char *key, int status,
                      const char *location, const char *body, struct problem *pb)
    __attribute__((warn_unused_result));
void idem_reply_cleanup(struct idem_reply *r);

#endif
