/* Time for measuring and for bounded waits. */
#ifndef BDP_CLOCK_H
#define BDP_CLOCK_H

#include <time.h>

/* Milliseconds on the monotonic clock (for durations and deadlines). */
double clock_ms(void);
/* The CLOCK_REALTIME instant ms from now, as pthread_cond_timedwait takes. */
struct timespec clock_deadline(int ms);

#endif
