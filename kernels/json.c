/* vik JSON subset (see json.h). */
#include "json.h"

/*@ assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> (c == ' ' || c == '\t' || c == '\n' || c == '\r');
*/
static int is_ws(uint8_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/*@ assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> ('0' <= c <= '9');
*/
static int is_digit(uint8_t c) { return c >= '0' && c <= '9'; }

/*@ assigns \nothing;
    ensures \result == 0 || \result == 1;
*/
static int is_hex(uint8_t c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

uint32_t vik_json_ws(const uint8_t *s, uint32_t n, uint32_t i) {
  /*@ loop invariant bounds: \at(i, Pre) <= i <= n;
      loop assigns i;
      loop variant n - i;
  */
  while (i < n && is_ws(s[i])) i++;
  return i;
}

int vik_json_lit(const uint8_t *s, uint32_t n, uint32_t i, const char *lit, uint32_t m) {
  uint32_t k;
  if (m > n - i) return 0;
  /*@ loop invariant bounds: 0 <= k <= m;
      loop assigns k;
      loop variant m - k;
  */
  for (k = 0u; k < m; k++)
    if (s[i + k] != (uint8_t)lit[k]) return 0;
  return 1;
}

uint32_t vik_json_string(const uint8_t *s, uint32_t n, uint32_t i, uint32_t *esc) {
  uint32_t j;
  *esc = 0u;
  if (i >= n || s[i] != '"') return VIK_JSON_BAD;
  /*@ loop invariant bounds: i + 1 <= j <= n;
      loop invariant esc: *esc == 0 || *esc == 1;
      loop assigns j, *esc;
      loop variant n - j;
  */
  for (j = i + 1u; j < n;) {
    uint8_t c = s[j];
    if (c == '"') return j + 1u;
    if (c < 0x20u) return VIK_JSON_BAD;
    if (c != '\\') {
      j++;
      continue;
    }
    *esc = 1u;
    if (n - j < 2u) return VIK_JSON_BAD;
    c = s[j + 1u];
    if (c == 'u') {
      if (n - j < 6u || !is_hex(s[j + 2u]) || !is_hex(s[j + 3u]) || !is_hex(s[j + 4u]) || !is_hex(s[j + 5u]))
        return VIK_JSON_BAD;
      j += 6u;
    } else if (c == '"' || c == '\\' || c == '/' || c == 'b' || c == 'f' || c == 'n' || c == 'r' || c == 't') {
      j += 2u;
    } else {
      return VIK_JSON_BAD;
    }
  }
  return VIK_JSON_BAD;
}

int vik_json_str_eq(const uint8_t *s, uint32_t n, uint32_t a, uint32_t b, const char *lit, uint32_t m) {
  (void)n;                                 /* only the contract uses it */
  if (b - a - 2u != m) return 0;
  return vik_json_lit(s, b - 1u, a + 1u, lit, m);
}

/* Digits from i: the index of the first non-digit (i when there is none). */
/*@ requires n: n <= VIK_JSON_NMAX && i <= n;
    requires valid: \valid_read(s + (0 .. n - 1));
    assigns \nothing;
    ensures range: i <= \result <= n;
    ensures stop: \result < n ==> !('0' <= s[\result] <= '9');
    ensures more: i < n && '0' <= s[i] <= '9' ==> i < \result;
    ensures all: \forall integer m; i <= m < \result ==> '0' <= s[m] <= '9';
*/
static uint32_t digits(const uint8_t *s, uint32_t n, uint32_t i) {
  /*@ loop invariant bounds: \at(i, Pre) <= i <= n;
      loop invariant all: \forall integer m; \at(i, Pre) <= m < i ==> '0' <= s[m] <= '9';
      loop assigns i;
      loop variant n - i;
  */
  while (i < n && is_digit(s[i])) i++;
  return i;
}

uint32_t vik_json_uint(const uint8_t *s, uint32_t n, uint32_t i, uint64_t *v) {
  uint64_t x = 0u;
  uint32_t j;
  *v = 0u;
  if (i >= n || !is_digit(s[i])) return VIK_JSON_BAD;
  if (s[i] == '0') {
    j = i + 1u;
  } else {
    /*@ loop invariant bounds: i <= j <= n;
        loop invariant x: x <= VIK_JSON_UMAX;
        loop assigns j, x;
        loop variant n - j;
    */
    for (j = i; j < n && is_digit(s[j]); j++) {
      uint64_t d = (uint64_t)(s[j] - '0');
      if (x > (VIK_JSON_UMAX - d) / 10u) return VIK_JSON_BAD;
      x = x * 10u + d;
    }
  }
  if (j < n && (is_digit(s[j]) || s[j] == '.' || s[j] == 'e' || s[j] == 'E')) return VIK_JSON_BAD;
  *v = x;
  return j;
}

/* Fold digit d into the kept mantissa, or count it as dropped. */
/*@ requires m: *mant < 10 * VIK_JSON_MANT_CAP && d <= 9;
    requires valid: \valid(mant) && \valid(kept);
    requires sep: \separated(mant, kept);
    assigns *mant, *kept;
    ensures m: *mant < 10 * VIK_JSON_MANT_CAP;
    ensures kept: *kept == 0 || *kept == 1;
*/
static void fold(uint64_t *mant, uint32_t d, int *kept) {
  if (*mant < VIK_JSON_MANT_CAP) {
    *mant = *mant * 10u + d;
    *kept = 1;
  } else {
    *kept = 0;
  }
}

uint32_t vik_json_number(const uint8_t *s, uint32_t n, uint32_t i, vik_json_num *v) {
  uint32_t j = i, k;
  uint64_t mant = 0u;
  int32_t adj = 0, ex = 0, eneg = 0, e10;
  int kept = 0;
  v->mant = 0u;
  v->e10 = 0;
  v->neg = 0;
  if (j < n && s[j] == '-') {
    v->neg = 1;
    j++;
  }
  if (j >= n || !is_digit(s[j])) return VIK_JSON_BAD;
  if (s[j] == '0') {
    j++;
  } else {
    k = digits(s, n, j);
    /*@ loop invariant bounds: i < j <= k || (i <= j <= k && adj == 0);
        loop invariant m: mant < 10 * VIK_JSON_MANT_CAP;
        loop invariant adj: 0 <= adj <= j;
        loop invariant dig: \forall integer m; j <= m < k ==> '0' <= s[m] <= '9';
        loop assigns j, mant, adj, kept;
        loop variant k - j;
    */
    for (; j < k; j++) {
      fold(&mant, (uint32_t)(s[j] - '0'), &kept);
      if (!kept) adj++;                    /* a dropped integer digit scales by 10 */
    }
  }
  if (j < n && s[j] == '.') {
    j++;
    k = digits(s, n, j);
    if (k == j) return VIK_JSON_BAD;
    /*@ loop invariant bounds: i < j <= k;
        loop invariant m: mant < 10 * VIK_JSON_MANT_CAP;
        loop invariant adj: -(integer)j <= adj <= j;
        loop invariant dig: \forall integer m; j <= m < k ==> '0' <= s[m] <= '9';
        loop assigns j, mant, adj, kept;
        loop variant k - j;
    */
    for (; j < k; j++) {
      if (mant == 0u && s[j] == '0') {    /* leading zeros of the fraction */
        adj--;
        continue;
      }
      fold(&mant, (uint32_t)(s[j] - '0'), &kept);
      if (kept) adj--;
    }
  }
  if (j < n && (s[j] == 'e' || s[j] == 'E')) {
    j++;
    if (j < n && (s[j] == '+' || s[j] == '-')) {
      eneg = s[j] == '-';
      j++;
    }
    k = digits(s, n, j);
    if (k == j) return VIK_JSON_BAD;
    /*@ loop invariant bounds: i < j <= k;
        loop invariant ex: 0 <= ex <= VIK_JSON_E10_MAX;
        loop invariant dig: \forall integer m; j <= m < k ==> '0' <= s[m] <= '9';
        loop invariant adj: -(integer)n <= adj <= n;
        loop assigns j, ex;
        loop variant k - j;
    */
    for (; j < k; j++) {
      ex = ex * 10 + (int32_t)(s[j] - '0');
      if (ex > VIK_JSON_E10_MAX) ex = VIK_JSON_E10_MAX;
    }
  }
  if (j < n && is_digit(s[j])) return VIK_JSON_BAD;   /* "01" */
  e10 = eneg ? adj - ex : adj + ex;
  if (e10 > VIK_JSON_E10_MAX) e10 = VIK_JSON_E10_MAX;
  if (e10 < -VIK_JSON_E10_MAX) e10 = -VIK_JSON_E10_MAX;
  v->mant = mant;
  v->e10 = e10;
  return j;
}

uint32_t vik_json_key(const uint8_t *s, uint32_t n, uint32_t i, uint32_t *a, uint32_t *b, uint32_t *esc) {
  uint32_t j = vik_json_ws(s, n, i), e;
  e = vik_json_string(s, n, j, esc);
  *a = j;
  *b = e;
  if (e == VIK_JSON_BAD) return VIK_JSON_BAD;
  j = vik_json_ws(s, n, e);
  if (j >= n || s[j] != ':') return VIK_JSON_BAD;
  return j + 1u;
}

/* A scalar value at s[i] (no leading whitespace). */
/*@ requires n: n <= VIK_JSON_NMAX && i < n;
    requires valid: \valid_read(s + (0 .. n - 1));
    assigns \nothing;
    ensures ok: json_ok(\result, i, n);
*/
static uint32_t scalar(const uint8_t *s, uint32_t n, uint32_t i) {
  uint8_t c = s[i];
  uint32_t esc;
  vik_json_num num;
  if (c == '"') return vik_json_string(s, n, i, &esc);
  if (c == '-' || is_digit(c)) return vik_json_number(s, n, i, &num);
  if (c == 't') return vik_json_lit(s, n, i, "true", 4u) ? i + 4u : VIK_JSON_BAD;
  if (c == 'f') return vik_json_lit(s, n, i, "false", 5u) ? i + 5u : VIK_JSON_BAD;
  if (c == 'n') return vik_json_lit(s, n, i, "null", 4u) ? i + 4u : VIK_JSON_BAD;
  return VIK_JSON_BAD;
}

/* The iterative skipper: want != 0 while a value is expected at i; stk[d-1]
   is 1 for an open object, 0 for an open array. Every iteration consumes at
   least one byte or returns. */
uint32_t vik_json_skip(const uint8_t *s, uint32_t n, uint32_t i) {
  uint8_t stk[VIK_JSON_DEPTH];
  uint32_t d = 0u, a, b, esc;
  int want = 1;
  /*@ loop invariant bounds: \at(i, Pre) <= i <= n && d <= VIK_JSON_DEPTH;
      loop invariant state: (want == 0 ==> 1 <= d && \at(i, Pre) < i) && (want == 0 || want == 1);
      loop invariant stk: \forall integer q; 0 <= q < d ==> stk[q] == 0 || stk[q] == 1;
      loop assigns i, d, want, a, b, esc, stk[0 .. VIK_JSON_DEPTH - 1];
      loop variant n - i;
  */
  for (;;) {
    uint8_t c;
    i = vik_json_ws(s, n, i);
    if (i >= n) return VIK_JSON_BAD;
    c = s[i];
    if (want) {
      if (c == '{' || c == '[') {
        uint32_t j;
        if (d >= VIK_JSON_DEPTH) return VIK_JSON_BAD;
        stk[d] = c == '{' ? 1u : 0u;
        d++;
        i++;
        j = vik_json_ws(s, n, i);
        if (j < n && s[j] == (c == '{' ? '}' : ']')) {   /* empty */
          d--;
          i = j + 1u;
          if (d == 0u) return i;
          want = 0;
          continue;
        }
        if (c == '{') {
          i = vik_json_key(s, n, i, &a, &b, &esc);
          if (i == VIK_JSON_BAD) return VIK_JSON_BAD;
        }
        continue;
      }
      i = scalar(s, n, i);
      if (i == VIK_JSON_BAD) return VIK_JSON_BAD;
      if (d == 0u) return i;
      want = 0;
      continue;
    }
    if (c == ',') {
      i++;
      if (stk[d - 1u]) {
        i = vik_json_key(s, n, i, &a, &b, &esc);
        if (i == VIK_JSON_BAD) return VIK_JSON_BAD;
      }
      want = 1;
      continue;
    }
    if (c == (stk[d - 1u] ? '}' : ']')) {
      i++;
      d--;
      if (d == 0u) return i;
      continue;
    }
    return VIK_JSON_BAD;
  }
}
