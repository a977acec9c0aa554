/* ACSL logic of the matrix products: index facts for row-major [rows, cols]
   arrays (nonlinear, so stated once as lemmas). Logic only, no C code. */
#ifndef VIK_LINEAR_LOGIC_H
#define VIK_LINEAR_LOGIC_H
/*@
  // element i of row o of a row-major [m, n] array is inside it
  // row o of a row-major [m, n] array ends inside it
  lemma row_span: \forall integer o, m, n; 0 <= o < m && 0 <= n ==> 0 <= o * n && o * n + n <= m * n;
  lemma row_inside: \forall integer o, m, n, i; 0 <= o < m && 0 <= i < n ==> 0 <= o * n + i < m * n;
*/
#endif
