/* vik JSON subset: the pieces the safetensors header and config.json readers
   need, on untrusted bytes. Every function scans s[0 .. n-1] from an index i
   and returns the index just past what it read, or VIK_JSON_BAD; it never
   reads outside s[0 .. n-1], never allocates, never recurses (nesting is a
   fixed-size local stack of VIK_JSON_DEPTH levels).

   Syntax: RFC 8259, with these limits: text of at most VIK_JSON_NMAX bytes,
   nesting at most VIK_JSON_DEPTH, strings whose escapes are checked but not
   decoded (callers compare only escape-free strings), UTF-8 not validated
   (bytes >= 0x80 pass inside strings). Numbers keep their first 19
   significant digits and a decimal exponent clamped to +-VIK_JSON_E10_MAX. */
#ifndef VIK_JSON_H
#define VIK_JSON_H
#include <stdint.h>

#define VIK_JSON_BAD 0xFFFFFFFFu
#define VIK_JSON_NMAX 0x40000000u     /* most bytes of one text (2^30) */
#define VIK_JSON_DEPTH 64u            /* most nested arrays / objects */
#define VIK_JSON_UMAX 0x20000000000000ull  /* largest unsigned integer (2^53) */
#define VIK_JSON_E10_MAX 100000       /* clamp of a number's decimal exponent */
#define VIK_JSON_MANT_CAP 1000000000000000000ull  /* 10^18: mantissa digits kept below */

/*@ predicate json_ok(integer r, integer i, integer n) = r == VIK_JSON_BAD || (i < r <= n); */

/* A number as read: (-1)^neg * mant * 10^e10, mant < 10^19. */
typedef struct {
  uint64_t mant;
  int32_t e10;
  int32_t neg;
} vik_json_num;

/* Skip whitespace (space, tab, CR, LF) from i. */
/*@ requires n: n <= VIK_JSON_NMAX && i <= n;
    requires valid: \valid_read(s + (0 .. n - 1));
    assigns \nothing;
    ensures range: i <= \result <= n;
    ensures stop: \result < n ==> s[\result] != ' ' && s[\result] != '\t' && s[\result] != '\n' && s[\result] != '\r';
*/
uint32_t vik_json_ws(const uint8_t *s, uint32_t n, uint32_t i);

/* 1 iff s[i .. i+m-1] equals lit[0 .. m-1] (and lies inside s). */
/*@ requires n: n <= VIK_JSON_NMAX && i <= n && m <= 64;
    requires valid: \valid_read(s + (0 .. n - 1)) && \valid_read(lit + (0 .. m - 1));
    assigns \nothing;
    ensures bool: \result == 0 || \result == 1;
    ensures inside: \result == 1 ==> i + m <= n;
*/
int vik_json_lit(const uint8_t *s, uint32_t n, uint32_t i, const char *lit, uint32_t m);

/* A string starting at s[i] == '"': the index after its closing quote.
   Control bytes (< 0x20) are refused; escapes must be one of \" \\ \/ \b
   \f \n \r \t \uXXXX; *esc = 1 when the string holds any escape, else 0. */
/*@ requires n: n <= VIK_JSON_NMAX && i <= n;
    requires valid: \valid_read(s + (0 .. n - 1)) && \valid(esc);
    requires sep: \separated(esc, s + (0 .. n - 1));
    assigns *esc;
    ensures ok: json_ok(\result, i, n);
    ensures len: \result != VIK_JSON_BAD ==> i + 2 <= \result;
    ensures esc: *esc == 0 || *esc == 1;
*/
uint32_t vik_json_string(const uint8_t *s, uint32_t n, uint32_t i, uint32_t *esc);

/* 1 iff the escape-free string s[a .. b-1] (quotes included, as
   vik_json_string delimits it) has the content lit[0 .. m-1]. */
/*@ requires n: n <= VIK_JSON_NMAX && a + 2 <= b <= n && m <= 64;
    requires valid: \valid_read(s + (0 .. n - 1)) && \valid_read(lit + (0 .. m - 1));
    assigns \nothing;
    ensures bool: \result == 0 || \result == 1;
*/
int vik_json_str_eq(const uint8_t *s, uint32_t n, uint32_t a, uint32_t b, const char *lit, uint32_t m);

/* An unsigned integer: "0" or a non-zero digit and digits, value at most
   VIK_JSON_UMAX, not followed by '.', 'e', 'E' or a digit (a fraction or
   exponent makes it not an integer). */
/*@ requires n: n <= VIK_JSON_NMAX && i <= n;
    requires valid: \valid_read(s + (0 .. n - 1)) && \valid(v);
    requires sep: \separated(v, s + (0 .. n - 1));
    assigns *v;
    ensures ok: json_ok(\result, i, n);
    ensures value: \result != VIK_JSON_BAD ==> *v <= VIK_JSON_UMAX;
*/
uint32_t vik_json_uint(const uint8_t *s, uint32_t n, uint32_t i, uint64_t *v);

/* A number, full JSON syntax: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?.
   v->mant holds its first 19 significant digits (later ones are dropped:
   truncation), v->e10 the decimal exponent, clamped to +-VIK_JSON_E10_MAX. */
/*@ requires n: n <= VIK_JSON_NMAX && i <= n;
    requires valid: \valid_read(s + (0 .. n - 1)) && \valid(v);
    requires sep: \separated(v, s + (0 .. n - 1));
    assigns *v;
    ensures ok: json_ok(\result, i, n);
    ensures value: \result != VIK_JSON_BAD ==> v->mant < 10 * VIK_JSON_MANT_CAP &&
                   -VIK_JSON_E10_MAX <= v->e10 <= VIK_JSON_E10_MAX && (v->neg == 0 || v->neg == 1);
*/
uint32_t vik_json_number(const uint8_t *s, uint32_t n, uint32_t i, vik_json_num *v);

/* One value of any kind (string, number, true, false, null, array, object),
   leading whitespace allowed, nesting at most VIK_JSON_DEPTH. */
/*@ requires n: n <= VIK_JSON_NMAX && i <= n;
    requires valid: \valid_read(s + (0 .. n - 1));
    assigns \nothing;
    ensures ok: json_ok(\result, i, n);
*/
uint32_t vik_json_skip(const uint8_t *s, uint32_t n, uint32_t i);

/* An object member's key and colon: whitespace, a string, whitespace, ':'.
   Returns the index after ':'; *a, *b delimit the key (quotes included),
   *esc as vik_json_string. */
/*@ requires n: n <= VIK_JSON_NMAX && i <= n;
    requires valid: \valid_read(s + (0 .. n - 1)) && \valid(a) && \valid(b) && \valid(esc);
    requires sep: \separated(a, b, esc, s + (0 .. n - 1));
    assigns *a, *b, *esc;
    ensures ok: json_ok(\result, i, n);
    ensures key: \result != VIK_JSON_BAD ==> i <= *a && *a + 2 <= *b && *b < \result;
    ensures esc: *esc == 0 || *esc == 1;
*/
uint32_t vik_json_key(const uint8_t *s, uint32_t n, uint32_t i, uint32_t *a, uint32_t *b, uint32_t *esc);

#endif
