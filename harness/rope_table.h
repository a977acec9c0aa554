/* RoPE tables for positions 0 .. npos-1 and frequencies i < D/2:
   cos_t[p * D/2 + i] = cos(p * theta^(-2i/D)), sin_t likewise, computed in
   double and rounded to float once; every entry finite and in [-1, 1]. Built
   once per model, outside inference. Takes 1 <= npos <= 2^20, D even in
   [2, 1024], theta >= 1 finite, cos_t and sin_t of npos * D/2 floats each:
   VIK_OK; outside that domain (or a NULL table) VIK_EDOMAIN, nothing
   written. */
#ifndef VIK_ROPE_TABLE_H
#define VIK_ROPE_TABLE_H
#include <stdint.h>
#include "nn.h"

#define VIK_ROPE_NPOS_MAX (1u << 20)

int vik_rope_table(float *cos_t, float *sin_t, uint32_t npos, uint32_t D, float theta);

#endif
