/* Brute-force oracles of the MoE routing rules of kernels/moe.h, written
   apart from kernels/moe.c (no code shared; used by tests/test_moe_ref.c
   and fuzz/fuzz_moe.c). Header-only.

   The ranking of moe.h: a ranks before b iff s[a] > s[b], or s[a] == s[b]
   and a < b (the lower number wins every tie; -0 and +0 are equal values).
   oracle_sort puts a whole list of numbers in that order by insertion sort
   (O(n^2), no early exit), and a top-k is the sorted list's first k: a
   different algorithm from the kernels' partial selection sort.

   oracle_deepseek is the whole DeepSeek-V3 selection from the selection
   scores sel = fl(score + bias): group g holds experts g G .. g G + G - 1
   (G = E / n_group); its score is the float32 sum of its two best sel
   (by value; which of several tied members does not change the sum); the
   groups are ranked by that score (ties to the lower group) and the first
   topk_group kept; then the experts of the kept groups only are ranked by
   sel (ties to the lower expert number) and the first k chosen. */
#ifndef VIK_ORACLE_MOE_H
#define VIK_ORACLE_MOE_H
#include <stdint.h>

#define ORACLE_EMAX 512u        /* VIK_MOE_EMAX */
#define ORACLE_GMAX 64u         /* VIK_MOE_GMAX */

static inline int oracle_before(const float *s, uint32_t a, uint32_t b)
{
    return s[a] > s[b] || (s[a] == s[b] && a < b);
}

/* ids[0 .. n-1] (numbers into s) sorted by oracle_before. */
static inline void oracle_sort(uint32_t *ids, uint32_t n, const float *s)
{
    uint32_t i, j;
    for (i = 1; i < n; i++) {
        uint32_t v = ids[i];
        for (j = i; j > 0 && oracle_before(s, v, ids[j - 1]); j--)
            ids[j] = ids[j - 1];
        ids[j] = v;
    }
}

/* The k best of s[0 .. E-1], best first (E <= ORACLE_EMAX). */
static inline void oracle_topk(uint32_t *idx, const float *s, uint32_t E, uint32_t k)
{
    uint32_t ids[ORACLE_EMAX], i;
    for (i = 0; i < E; i++)
        ids[i] = i;
    oracle_sort(ids, E, s);
    for (i = 0; i < k; i++)
        idx[i] = ids[i];
}

/* DeepSeek-V3: groups[0 .. topk_group-1] the kept groups, best first;
   idx[0 .. k-1] the chosen experts, best first. Dimensions as moe.h's
   ds_dims (n_group divides E, E / n_group >= 2, ...). */
static inline void oracle_deepseek(uint32_t *idx, uint32_t *groups, const float *sel,
                                   uint32_t E, uint32_t k, uint32_t n_group,
                                   uint32_t topk_group)
{
    uint32_t G = E / n_group, g, i, n = 0, ids[ORACLE_EMAX], gids[ORACLE_GMAX];
    float gs[ORACLE_GMAX];
    for (g = 0; g < n_group; g++) {
        for (i = 0; i < G; i++)
            ids[i] = g * G + i;
        oracle_sort(ids, G, sel);
        gs[g] = sel[ids[0]] + sel[ids[1]];
        gids[g] = g;
    }
    oracle_sort(gids, n_group, gs);
    for (g = 0; g < topk_group; g++)
        groups[g] = gids[g];
    /* the experts of the kept groups, in expert order, then ranked */
    for (i = 0; i < E; i++)
        for (g = 0; g < topk_group; g++)
            if (i / G == gids[g]) {
                ids[n++] = i;
                break;
            }
    oracle_sort(ids, n, sel);
    for (i = 0; i < k; i++)
        idx[i] = ids[i];
}
#endif
