#!/bin/sh
# make lint's vectorisation check: the loops that call the exp (the
# softmax's terms, SiLU, SwiGLU) must vectorise under gcc -O3 for AVX-512
# (x86-64-v4; with AVX2 alone they stay scalar, as they always have). A
# change that breaks it costs ~10x on those kernels and no test sees it
# (77a4c63 did, unnoticed until the twelfth session of 2026-12-06). A
# compile-only check: no AVX-512 machine is needed.
cd "$(dirname "$0")/.." || exit 2
CC=${CC:-gcc}
case $($CC --version 2>/dev/null | head -1) in
  *gcc*|*GCC*) ;;
  *) echo "vectorise: $CC is not gcc, skipped"; exit 0;;
esac
out=$($CC -std=c99 -O3 -march=x86-64-v4 -ffp-contract=off -Ikernels -Ispec -c kernels/nn.c \
      -o /dev/null -fopt-info-vec-optimized 2>&1) || { echo "$out"; exit 1; }
status=0
for loop in 'y\[i\] = shifted_exp(x\[i\], m);' 'y\[i\] = silu(x\[i\]);' 'y\[i\] = gate_mul(gate\[i\], up\[i\]);'; do
  line=$(grep -n "$loop" kernels/nn.c | head -1 | cut -d: -f1)
  if [ -z "$line" ]; then echo "vectorise: loop '$loop' not found in kernels/nn.c"; status=1; continue; fi
  text=$(echo "$loop" | tr -d '\\')
  if echo "$out" | grep -q "^kernels/nn.c:$line:.*loop vectorized"; then
    echo "vectorise: kernels/nn.c:$line vectorised: $text"
  else
    echo "vectorise: kernels/nn.c:$line NOT vectorised: $text"; status=1
  fi
done
exit $status
