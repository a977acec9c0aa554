/* The data part of a fuzz input, shared by the kernel targets (fuzz_attn,
   fuzz_linear, fuzz_ffn): the bytes after the shape header, cycled with a
   position-dependent offset so that a short input still fills large
   buffers with varied values. static inline: a target may use only some. */
#ifndef VIK_FUZZ_DATA_H
#define VIK_FUZZ_DATA_H
#include <stdint.h>
#include <stdlib.h>

static const uint8_t *in;
static size_t nin;

/* data byte number i: the input (cycled) plus an offset from i */
static inline uint8_t byte(size_t i)
{
    uint8_t b = nin > 0 ? in[i % nin] : 0;
    return (uint8_t)(b + i * 37u % 11u);
}

/* the int16 of data bytes *at and *at + 1 (little-endian); *at moves on */
static inline int int16_at(size_t *at)
{
    int v = (int)(int16_t)(uint16_t)(byte(*at) | byte(*at + 1) << 8);
    *at += 2;
    return v;
}

/* malloc that aborts (a failed allocation is not a finding) */
static inline void *alloc(size_t n)
{
    void *p = malloc(n > 0 ? n : 1);
    if (!p)
        abort();
    return p;
}
#endif
