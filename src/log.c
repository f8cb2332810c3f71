/* JSON log lines, written with one write(2) so lines from threads never mix. */
#include "bdp/log.h"

#include "bdp/buf.h"

#include <stdarg.h>
#include <time.h>
#include <unistd.h>

static void stamp(struct buf *b)
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    buf_printf(b, "{\"time\":\"%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ\"", tm.tm_year + 1900,
               tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
}

static void emit(struct buf *b)
{
    buf_puts(b, "}\n");
    ssize_t n = write(STDERR_FILENO, b->p, b->len);
    (void)n;
    buf_free(b);
}

void log_request(const char *request_id, const char *method, const char *path, int status,
                 double duration_ms, const char *key_name)
{
    struct buf b = BUF_INIT;
    stamp(&b);
    buf_puts(&b, ",\"request_id\":");
    buf_json_str(&b, request_id);
    buf_puts(&b, ",\"method\":");
    buf_json_str(&b, method);
    buf_puts(&b, ",\"path\":");
    buf_json_str(&b, path);
    buf_printf(&b, ",\"status\":%d,\"duration_ms\":%.3f,\"key\":", status, duration_ms);
    if (key_name)
        buf_json_str(&b, key_name);
    else
        buf_puts(&b, "null");
    emit(&b);
}

void log_msg(const char *level, const char *fmt, ...)
{
    struct buf b = BUF_INIT, msg = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&msg, fmt, ap);
    va_end(ap);
    stamp(&b);
    buf_puts(&b, ",\"level\":");
    buf_json_str(&b, level);
    buf_puts(&b, ",\"msg\":");
    buf_json_str(&b, buf_cstr(&msg));
    buf_free(&msg);
    emit(&b);
}
