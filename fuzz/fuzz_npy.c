/* libFuzzer target: the .npy reader (harness/npy.c) on arbitrary bytes.
   npy_read takes a path, so each input is written to a file in a private
   temporary directory first (under /dev/shm if possible, else /tmp).
   Checked on every input (abort on violation, which libFuzzer reports as a
   crash; ASan/UBSan/LSan catch memory errors and leaks):
   - rejection: a negative NPY_E* code, *out all zero, a message naming the
     file in err;
   - acceptance: a known dtype, 0 <= ndim <= NPY_MAXDIM, unused shape entries
     0, count the product of the shape, data non-NULL, and the data exactly
     the count * itemsize bytes that end the file, right after the 10-byte
     preamble and the header length it states (little-endian host). */
#define _POSIX_C_SOURCE 200809L
#include "npy.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64], path[96];

static void cleanup(void)
{
    if (path[0])
        unlink(path);
    if (dir[0])
        rmdir(dir);
}

static void die(const char *what, size_t size)
{
    fprintf(stderr, "fuzz_npy: property violated: %s (input of %zu bytes)\n", what, size);
    abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    /* tmpfs when there is one: each execution writes and reads one file */
    snprintf(dir, sizeof dir, "/dev/shm/vik-fuzz-npy-XXXXXX");
    if (!mkdtemp(dir)) {
        snprintf(dir, sizeof dir, "/tmp/vik-fuzz-npy-XXXXXX");
        if (!mkdtemp(dir)) {
            perror("fuzz_npy: mkdtemp");
            exit(2);
        }
    }
    snprintf(path, sizeof path, "%s/in.npy", dir);
    atexit(cleanup);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    npy_array a, zero;
    char err[512];
    FILE *f = fopen(path, "wb");
    size_t i, count = 1, w, off;
    int rc;
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0) {
        perror("fuzz_npy: cannot write the input file");
        exit(2);
    }
    memset(&a, 0x5A, sizeof a);     /* npy_read must overwrite all of it */
    memset(&zero, 0, sizeof zero);
    rc = npy_read(path, &a, err, sizeof err);
    if (rc != NPY_OK) {
        if (rc > 0 || rc < NPY_EARG)
            die("error code out of range", size);
        if (memcmp(&a, &zero, sizeof a) != 0)
            die("*out not zeroed on error", size);
        if (strstr(err, path) != err || strlen(err) <= strlen(path) + 2)
            die("error message does not start with the path", size);
        return 0;
    }
    w = npy_itemsize(a.dtype);
    if (w == 0)
        die("accepted with an unknown dtype", size);
    if (a.ndim < 0 || a.ndim > NPY_MAXDIM)
        die("accepted with ndim out of range", size);
    for (i = 0; i < (size_t)a.ndim; i++)
        count *= a.shape[i];    /* no overflow: count * w <= size was checked */
    for (i = (size_t)a.ndim; i < NPY_MAXDIM; i++)
        if (a.shape[i] != 0)
            die("unused shape entry not 0", size);
    if (count != a.count)
        die("count is not the product of the shape", size);
    if (!a.data)
        die("data NULL after success", size);
    if (size < 10)
        die("accepted a file shorter than the preamble", size);
    off = 10 + ((size_t)data[8] | ((size_t)data[9] << 8));
    if (off > size || a.count > (size - off) / w || size - off != a.count * w)
        die("data size is not count * itemsize after the header", size);
    if (memcmp(a.data, data + off, a.count * w) != 0)   /* host is little-endian */
        die("data differs from the file's bytes", size);
    npy_free(&a);
    if (a.data || a.count)
        die("npy_free did not zero the array", size);
    return 0;
}
