/* Minimal check helpers for test programs. Each check prints one line,
   "PASS: <desc>" or "FAIL: <desc> (<detail>)", which tests/run.sh counts;
   main ends with `return check_done();`, which is 1 if anything failed. */
#ifndef VIK_CHECK_H
#define VIK_CHECK_H
#include <stdarg.h>
#include <stdio.h>

static int check_n_run, check_n_failed;

/* Record one check; detail is printf-style and only printed on failure.
   Flushes so that lines printed before a crash still reach the runner. */
static inline int check_msg(int ok, const char *desc, const char *fmt, ...)
{
    check_n_run++;
    if (ok) {
        printf("PASS: %s\n", desc);
    } else {
        va_list ap;
        check_n_failed++;
        printf("FAIL: %s (", desc);
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        printf(")\n");
    }
    fflush(stdout);
    return ok;
}

static inline int check(int ok, const char *desc)
{
    return check_msg(ok, desc, "%s", "check failed");
}

/* Exit status for main. A program that checked nothing has failed too. */
static inline int check_done(void)
{
    if (check_n_run == 0)
        check(0, "test program ran at least one check");
    return check_n_failed ? 1 : 0;
}

#endif
