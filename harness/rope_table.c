/* RoPE tables (see rope_table.h). Not part of the proven kernels: it calls
   libm (log, exp, cos, sin in double), whose results vary by platform in the
   last bit; the only property vik_rope relies on, |c|, |s| <= 1 and finite,
   is enforced here by a clamp and checked by tests. */
#include "rope_table.h"
#include <float.h>
#include <math.h>

/* libm's value clamped into [-1, 1]: the bound the RoPE proof needs, whatever
   the platform's cos and sin return for a finite argument */
static float unit_f32(double v) { return v >= 1.0 ? 1.0f : v <= -1.0 ? -1.0f : v == v ? (float)v : 0.0f; }

int vik_rope_table(float *cos_t, float *sin_t, uint32_t npos, uint32_t D, float theta) {
  uint32_t h = D / 2u, nq;
  double lt;
  /* outside the domain npos * D/2 can wrap, and a NaN, infinite or < 1
     theta gives tables of clamped garbage (!(theta <= FLT_MAX) holds for NaN) */
  if (!cos_t || !sin_t || npos == 0u || npos > VIK_ROPE_NPOS_MAX || D < 2u || D > VIK_HEAD_DIM_MAX || D % 2u != 0u ||
      !(theta >= 1.0f) || !(theta <= FLT_MAX))
    return VIK_EDOMAIN;
  nq = npos * h;
  lt = log((double)theta);
  for (uint32_t q = 0u; q < nq; q++) {
    uint32_t p = q / h, i = q % h;
    /* theta^(-2i/D) = e^(-(2i/D) ln theta) */
    double f = exp(-((double)(2u * i) / (double)D) * lt);
    double a = (double)p * f;
    cos_t[q] = unit_f32(cos(a));
    sin_t[q] = unit_f32(sin(a));
  }
  return VIK_OK;
}

