/* Shared helpers for the test programs, header-only (static inline, so the
   Makefile needs no extra object and unused helpers cost nothing): a per-run
   temporary directory, whole-file reads and writes, running build/vik-ref
   (or $VIK_REF) with its output captured, and comparing the files it wrote
   with a reference directory. Include after check.h, with
   _POSIX_C_SOURCE >= 200809L defined before any system header. */
#ifndef VIK_TEST_UTIL_H
#define VIK_TEST_UTIL_H
#if !defined(_POSIX_C_SOURCE) || _POSIX_C_SOURCE < 200809L
#error "define _POSIX_C_SOURCE 200809L before any include (mkdtemp, scandir)"
#endif
#include "bits.h"
#include "check.h"
#include "npy.h"
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* float bits by memcpy (f2u, u2f): tests/bits.h */

/* 1 when the n bytes at p are all zero */
static inline int all_zero(const void *p, size_t n)
{
    const unsigned char *c = p;
    size_t i;
    for (i = 0; i < n; i++)
        if (c[i])
            return 0;
    return 1;
}

/* ---- the test's temporary directory ---- */

static char tmpdir[64];

/* Create /tmp/vik-test-<tag>-XXXXXX into tmpdir; 0 on failure. */
static inline int tmpdir_make(const char *tag)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/vik-test-%s-XXXXXX", tag);
    return mkdtemp(tmpdir) != NULL;
}

/* dir/name into buf; if it does not fit, buf is "" and the result 0.
   (Not snprintf: gcc's -Wformat-truncation flags every inlined "%s/%s".) */
static inline int join(char *buf, size_t cap, const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    if (cap == 0)
        return 0;
    if (a + 1 + b >= cap) {
        buf[0] = '\0';
        return 0;
    }
    memcpy(buf, dir, a);
    buf[a] = '/';
    memcpy(buf + a + 1, name, b + 1);
    return 1;
}

/* tmpdir/name into buf; 0 if it does not fit. */
static inline int tpath(char *buf, size_t cap, const char *name)
{
    return join(buf, cap, tmpdir, name);
}

/* ---- text and files ---- */

/* Append printf-style text to a detail buffer, never overflowing it. */
static inline void append(char *buf, size_t cap, const char *fmt, ...)
{
    size_t n = strlen(buf);
    va_list ap;
    if (n + 1 >= cap)
        return;
    va_start(ap, fmt);
    vsnprintf(buf + n, cap - n, fmt, ap);
    va_end(ap);
}

static inline int write_bytes(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    int ok = f && fwrite(p, 1, n, f) == n;
    if (f && fclose(f) != 0)
        ok = 0;
    return ok;
}

/* Whole file into a malloc'd buffer with one spare byte (for a '\0');
   NULL on error. */
static inline unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    unsigned char *p = NULL;
    long len;
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 &&
        fseek(f, 0, SEEK_SET) == 0 && (p = malloc((size_t)len + 1)) != NULL &&
        fread(p, 1, (size_t)len, f) != (size_t)len) {
        free(p);
        p = NULL;
    }
    if (p)
        *n = (size_t)len;
    fclose(f);
    return p;
}

/* Entries of dir other than . and ..; -1 if it cannot be opened. */
static inline int count_entries(const char *dir)
{
    DIR *d = dir ? opendir(dir) : NULL;
    struct dirent *e;
    int n = 0;
    if (!d)
        return -1;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

/* Lines of path starting with prefix; -1 if it cannot be opened. */
static inline int count_lines(const char *path, const char *prefix)
{
    char line[1024];
    int n = 0;
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        n += strncmp(line, prefix, strlen(prefix)) == 0;
    fclose(f);
    return n;
}

/* rm -r path (never follows a symlink into a directory). */
static inline void rm_tree(const char *path)
{
    struct stat st;
    DIR *d;
    struct dirent *e;
    char sub[1024];
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode) && (d = opendir(path)) != NULL) {
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            if (join(sub, sizeof sub, path, e->d_name))
                rm_tree(sub);
        }
        closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

/* ---- running vik-ref ---- */

static inline const char *vikref(void)
{
    const char *e = getenv("VIK_REF");
    return e && *e ? e : "build/vik-ref";
}

/* Run vik-ref a1 [a2] (a2 NULL: one argument), stdout to tmpdir/stdout.log,
   stderr to tmpdir/stderr.log. Exit status, or -1 if it did not exit
   normally. */
static inline int run_vikref(const char *a1, const char *a2)
{
    char o[256], e[256];
    pid_t pid;
    int st;
    tpath(o, sizeof o, "stdout.log");
    tpath(e, sizeof e, "stderr.log");
    fflush(NULL);       /* or buffered output is printed twice */
    pid = fork();
    if (pid == 0) {
        int fo = open(o, O_WRONLY | O_CREAT | O_TRUNC, 0666);
        int fe = open(e, O_WRONLY | O_CREAT | O_TRUNC, 0666);
        if (fo < 0 || fe < 0 || dup2(fo, 1) < 0 || dup2(fe, 2) < 0)
            _exit(126);
        if (a2)
            execl(vikref(), vikref(), a1, a2, (char *)NULL);
        else
            execl(vikref(), vikref(), a1, (char *)NULL);
        _exit(127);
    }
    if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
        return -1;
    return WEXITSTATUS(st);
}

/* vik-ref must exit 2 with a message on stderr (containing msg_part unless
   NULL) and leave out as it found it: absent (want_entries -1), else holding
   want_entries entries. */
static inline void expect_fail(const char *desc, const char *casedir, const char *out,
                               int want_entries, const char *msg_part)
{
    char e[256];
    unsigned char *msg;
    size_t n = 0;
    int rc = run_vikref(casedir, out), left = count_entries(out);
    tpath(e, sizeof e, "stderr.log");
    msg = slurp(e, &n);
    if (msg)
        msg[n] = '\0';
    check_msg(rc == 2 && left == want_entries && msg && n > 0 &&
              (!msg_part || strstr((char *)msg, msg_part)), desc,
              "exit %d, %d entries left in out (want %d), stderr: %.200s", rc,
              left, want_entries, msg ? (char *)msg : "");
    free(msg);
}

/* ---- comparing outputs with references ---- */

/* Why file out differs from reference ref: header or which element. */
static inline void explain_diff(const char *out, const char *ref, char *det, size_t cap)
{
    npy_array a, b;
    char err[512];
    size_t i, w;
    if (npy_read(out, &a, err, sizeof err) != NPY_OK) {
        snprintf(det, cap, "output unreadable: %s", err);
        return;
    }
    if (npy_read(ref, &b, err, sizeof err) != NPY_OK)
        snprintf(det, cap, "reference unreadable: %s", err);
    else if (a.dtype != b.dtype || a.count != b.count)
        snprintf(det, cap, "dtype or count differ");
    else if (memcmp(a.data, b.data, a.count * npy_itemsize(a.dtype)) == 0)
        snprintf(det, cap, "data equal, header bytes differ");
    else {
        w = npy_itemsize(a.dtype);
        for (i = 0; memcmp((char *)a.data + i * w, (char *)b.data + i * w, w) == 0; i++)
            ;
        snprintf(det, cap, "data differ, first at element %zu", i);
    }
    npy_free(&a);
    npy_free(&b);
}

/* Every file in out must equal refdir/<same name> byte for byte: one check
   per file, "vik-ref <label><name>: whole file identical to reference".
   Returns the number of files seen. */
static inline int compare_outputs(const char *out, const char *refdir, const char *label)
{
    struct dirent **list;
    int i, k, n = 0, m = scandir(out, &list, NULL, alphasort);  /* sorted: stable log */
    for (k = 0; k < m; k++) {
        const char *name = list[k]->d_name;
        char o[512], r[512], desc[400], det[600] = "";
        unsigned char *x, *y;
        size_t nx = 0, ny = 0;
        int same;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
            continue;
        n++;
        join(o, sizeof o, out, name);
        join(r, sizeof r, refdir, name);
        x = slurp(o, &nx);
        y = slurp(r, &ny);
        same = x && y && nx == ny && memcmp(x, y, nx) == 0;
        if (!y)
            snprintf(det, sizeof det, "no reference of that name");
        else if (!same)
            explain_diff(o, r, det, sizeof det);
        snprintf(desc, sizeof desc, "vik-ref %s%s: whole file identical to reference",
                 label, name);
        check_msg(same, desc, "%s", det);
        free(x);
        free(y);
    }
    for (i = 0; i < m; i++)
        free(list[i]);
    if (m >= 0)
        free(list);
    return n;
}

#endif
