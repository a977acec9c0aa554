/* ACSL logic of the matrix products: index facts for row-major [rows, cols]
   arrays (nonlinear, so stated once as lemmas). Logic only, no C code. */
#ifndef VIK_LINEAR_LOGIC_H
#define VIK_LINEAR_LOGIC_H
/*@
  // element i of row o of a row-major [m, n] array is inside it
  // row o of a row-major [m, n] array ends inside it
  lemma row_span: \forall integer o, m, n; 0 <= o < m && 0 <= n ==> 0 <= o * n && o * n + n <= m * n;
  lemma row_inside: \forall integer o, m, n, i; 0 <= o < m && 0 <= i < n ==> 0 <= o * n + i < m * n;
  // cell (t, o) of a row-major [., m] array: a function of its own, so that
  // facts over y[cell(t, m, o)] match each other as terms (with t * m + o
  // written out, WP's simplifier orders the product's factors differently
  // in a quantified fact and in the goal, and the provers' matching fails)
  logic integer cell(integer t, integer m, integer o) = t * m + o;

  // cells of two different rows of a row-major [., m] array are different
  lemma cell_apart: \forall integer m, t1, o1, t2, o2; 0 <= o1 < m && 0 <= o2 < m && t1 != t2 ==>
                      cell(t1, m, o1) != cell(t2, m, o2);

*/
#endif
