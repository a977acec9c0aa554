/* The data part of a fuzz input, shared by fuzz_linear and fuzz_ffn: the
   bytes after the shape header, cycled with a position-dependent offset so
   that a short input still fills large buffers with varied values. */
#ifndef VIK_FUZZ_DATA_H
#define VIK_FUZZ_DATA_H
#include <stdint.h>
#include <stdlib.h>

static const uint8_t *in;
static size_t nin;

/* data byte number i: the input (cycled) plus an offset from i */
static uint8_t byte(size_t i)
{
    uint8_t b = nin > 0 ? in[i % nin] : 0;
    return (uint8_t)(b + i * 37u % 11u);
}

/* the int16 of data bytes *at and *at + 1 (little-endian); *at moves on */
static int int16_at(size_t *at)
{
    int v = (int)(int16_t)(uint16_t)(byte(*at) | byte(*at + 1) << 8);
    *at += 2;
    return v;
}

/* malloc that aborts (a failed allocation is not a finding) */
static void *alloc(size_t n)
{
    void *p = malloc(n > 0 ? n : 1);
    if (!p)
        abort();
    return p;
}
#endif
