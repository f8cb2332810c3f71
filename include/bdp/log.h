/* JSON log lines on stderr, one write each; nothing else prints. */
#ifndef BDP_LOG_H
#define BDP_LOG_H

void log_request(const char *request_id, const char *method, const char *path, int status,
                 double duration_ms, const char *key_name);
/* level: "info", "warn", "error". */
void log_msg(const char *level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
