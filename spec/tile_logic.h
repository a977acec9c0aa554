/* ACSL logic of vik_matmul_f32's tiles (nonlinear, so stated once as a
   lemma): a row-major [m, n] array's rows o .. o + k - 1 end at (o + k) n,
   inside it when o + k <= m. Logic only, no C code. */
#ifndef VIK_TILE_LOGIC_H
#define VIK_TILE_LOGIC_H
/*@
  lemma mul_mono: \forall integer a, b, n; 0 <= a <= b && 0 <= n ==> 0 <= a * n <= b * n;
*/
#endif
