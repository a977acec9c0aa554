# vik: `make` builds the library and the harness CLI; `make prove` runs the proofs;
# `make test` the tests; `make test-exhaustive` the 2^32 encoder and exp sweeps; `make bench`.
# Reliability gates: `make test-asan`, `make test-tsan`, `make lint`, `make fuzz` (README).
CC      ?= gcc
# The proven code is the code that runs: C99, no fast-math, no FMA contraction.
CFLAGS  ?= -std=c99 -Wall -Wextra -Werror -O2 -ffp-contract=off
BENCHFLAGS ?= -std=c99 -Wall -Wextra -O3 -march=native -ffp-contract=off -flto
CPPFLAGS += -Ikernels -Ispec -Iharness -Itests
B       := build

KSRC := $(wildcard kernels/*.c)
KOBJ := $(KSRC:%.c=$(B)/%.o)
HLIB := $(B)/harness/npy.o $(B)/harness/rope_table.o $(B)/harness/model_load.o $(B)/harness/model.o \
        $(B)/harness/par.o
TSRC := $(wildcard tests/test_*.c)
TBIN := $(TSRC:tests/%.c=$(B)/tests/%)

.PHONY: all prove coq test test-determinism test-exhaustive test-asan test-tsan lint fuzz bench run run-ref deps clean
all: $(B)/libvik.a $(B)/vik-ref $(B)/vik

$(B)/%.o: %.c $(wildcard kernels/*.h spec/*.h harness/*.h tests/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(B)/libvik.a: $(KOBJ)
	rm -f $@ && ar rcs $@ $^

$(B)/vik-ref: $(B)/harness/vik_ref.o $(HLIB) $(B)/libvik.a
	$(CC) $(CFLAGS) $^ -o $@ -lpthread -lm

# The CLI; its default model is the vendored one, by absolute path, so that
# `build/vik run` works from any directory of a plain clone.
$(B)/harness/vik.o: CPPFLAGS += -DVIK_MODEL_DIR='"$(CURDIR)/models/moe-bytes-mxfp4"'
$(B)/vik: $(B)/harness/vik.o $(HLIB) $(B)/libvik.a
	$(CC) $(CFLAGS) $^ -o $@ -lpthread -lm

$(B)/tests/%: $(B)/tests/%.o $(HLIB) $(B)/libvik.a
	$(CC) $(CFLAGS) $^ -o $@ -lpthread -lm

# Keep the test objects: deleting them as intermediates printed "rm ..." after
# the runner's closing "N passed, M failed" line.
.SECONDARY: $(TBIN:%=%.o) $(TSRC:tests/%.c=$(B)/asan/tests/%.o)

# Unit and reference tests, then the determinism script (vik-ref built by
# several compilers and flags, outputs byte-identical); the runner counts
# both and prints `N passed, M failed`.
test: $(TBIN) $(B)/vik-ref $(B)/vik
	@sh tests/run.sh $(TBIN) tests/bad_input.sh tests/determinism.sh

# The determinism script alone.
test-determinism: $(B)/vik-ref
	@sh tests/run.sh tests/determinism.sh

# All 2^32 float32 inputs of every encoder against a brute-force oracle, and
# vik_exp_neg on every float32 in [-104, 0] against double exp (< 1 ulp).
test-exhaustive: $(B)/tests/exhaustive
	@sh tests/run.sh $(B)/tests/exhaustive

$(B)/tests/exhaustive: tests/exhaustive.c $(KSRC) tests/oracle_formats.h tests/bits.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -O3 $(filter %.c,$^) -o $@ -lpthread -lm

# ---- reliability gates ----
HDRS := $(wildcard kernels/*.h spec/*.h harness/*.h tests/*.h)

# The whole test suite (tests/test_*.c, harness, kernels) built with ASan and
# UBSan into build/asan, any report fatal, vik-ref included (the tests run
# $$VIK_REF); the determinism script is not run here.
A := $(B)/asan
ASANFLAGS ?= -std=c99 -Wall -Wextra -Werror -O1 -g -ffp-contract=off \
             -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
ATBIN := $(TSRC:tests/%.c=$(A)/tests/%)

$(A)/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ASANFLAGS) -c $< -o $@

$(A)/libvik.a: $(KSRC:%.c=$(A)/%.o)
	rm -f $@ && ar rcs $@ $^

AHLIB := $(A)/harness/npy.o $(A)/harness/rope_table.o $(A)/harness/model_load.o $(A)/harness/model.o \
         $(A)/harness/par.o
$(A)/vik-ref: $(A)/harness/vik_ref.o $(AHLIB) $(A)/libvik.a
	$(CC) $(ASANFLAGS) $^ -o $@ -lpthread -lm

$(A)/harness/vik.o: CPPFLAGS += -DVIK_MODEL_DIR='"$(CURDIR)/models/moe-bytes-mxfp4"'
$(A)/vik: $(A)/harness/vik.o $(AHLIB) $(A)/libvik.a
	$(CC) $(ASANFLAGS) $^ -o $@ -lpthread -lm

$(A)/tests/%: $(A)/tests/%.o $(AHLIB) $(A)/libvik.a
	$(CC) $(ASANFLAGS) $^ -o $@ -lpthread -lm

test-asan: $(ATBIN) $(A)/vik-ref $(A)/vik
	@VIK_REF=$(A)/vik-ref VIK=$(A)/vik sh tests/run.sh $(ATBIN) tests/bad_input.sh

# The row-splitting threads (harness/par.c) and the forward pass on them
# under ThreadSanitizer (clang): tests/test_par.c, any report fatal.
TSANFLAGS ?= -std=c99 -Wall -Wextra -Werror -O1 -g -ffp-contract=off -fsanitize=thread
$(B)/tsan/test_par: tests/test_par.c harness/par.c harness/model.c harness/model_load.c harness/npy.c \
                    harness/rope_table.c $(KSRC) $(HDRS)
	@mkdir -p $(dir $@)
	$(FUZZCC) $(CPPFLAGS) $(TSANFLAGS) $(filter %.c,$^) -o $@ -lpthread -lm

test-tsan: $(B)/tsan/test_par
	@TSAN_OPTIONS=halt_on_error=1:exitcode=66 sh tests/run.sh $(B)/tsan/test_par

# Static analysis of kernels/ and harness/: cppcheck (suppressions in
# .cppcheck-suppressions) and clang-tidy (checks in .clang-tidy); any finding
# fails.
LINTSRC := $(wildcard kernels/*.c harness/*.c)
lint:
	@sh CI/lint.sh $(LINTSRC)
	@sh CI/vectorise.sh

# libFuzzer targets (clang), ASan + UBSan; each runs FUZZ_TIME seconds on its
# seed corpus fuzz/corpus/<target>; findings go to build/fuzz/<target>/.
FUZZCC  ?= clang
FUZZ_TIME ?= 60
FUZZFLAGS ?= -std=c99 -Wall -Wextra -Werror -O1 -g -ffp-contract=off \
             -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZBIN := $(B)/fuzz/fuzz_npy $(B)/fuzz/fuzz_formats $(B)/fuzz/fuzz_mx $(B)/fuzz/fuzz_nn \
           $(B)/fuzz/fuzz_moe $(B)/fuzz/fuzz_safetensors $(B)/fuzz/fuzz_attn $(B)/fuzz/fuzz_linear \
           $(B)/fuzz/fuzz_ffn
$(B)/fuzz/fuzz_npy: fuzz/fuzz_npy.c harness/npy.c
$(B)/fuzz/fuzz_formats: fuzz/fuzz_formats.c kernels/formats.c
$(B)/fuzz/fuzz_mx: fuzz/fuzz_mx.c kernels/formats.c kernels/mx.c kernels/nvfp4.c kernels/q8.c kernels/linear.c
$(B)/fuzz/fuzz_nn: fuzz/fuzz_nn.c kernels/nn.c
$(B)/fuzz/fuzz_moe: fuzz/fuzz_moe.c kernels/moe.c kernels/nn.c
$(B)/fuzz/fuzz_attn: fuzz/fuzz_attn.c kernels/attn.c kernels/nn.c kernels/linear.c kernels/formats.c kernels/mx.c kernels/nvfp4.c kernels/q8.c
$(B)/fuzz/fuzz_linear: fuzz/fuzz_linear.c kernels/linear.c kernels/formats.c kernels/mx.c kernels/nvfp4.c kernels/q8.c
$(B)/fuzz/fuzz_ffn: fuzz/fuzz_ffn.c kernels/ffn.c kernels/linear.c kernels/nn.c kernels/formats.c kernels/mx.c \
                     kernels/nvfp4.c kernels/q8.c
$(B)/fuzz/fuzz_safetensors: fuzz/fuzz_safetensors.c kernels/json.c kernels/safetensors.c kernels/config.c \
                            kernels/formats.c
$(B)/fuzz/fuzz_%: $(HDRS) $(wildcard fuzz/*.h)
	@mkdir -p $(dir $@)
	$(FUZZCC) $(CPPFLAGS) $(FUZZFLAGS) $(filter %.c,$^) -o $@ -lm

fuzz: $(FUZZBIN)
	@sh fuzz/run.sh $(FUZZ_TIME) $(FUZZBIN)

bench: $(B)/bench_formats $(B)/bench_linear $(B)/bench_nn $(B)/bench_moe $(B)/bench_model
	$(B)/bench_formats
	$(B)/bench_linear
	$(B)/bench_nn
	$(B)/bench_moe
	$(B)/bench_model

# the whole model: kernels plus the forward pass, the harness loader and RoPE tables
$(B)/bench_model: $(KSRC) bench/bench_model.c harness/model.c harness/model_load.c harness/rope_table.c harness/par.c \
                  $(HDRS) bench/bench.h
	@mkdir -p $(B)
	$(CC) $(CPPFLAGS) $(BENCHFLAGS) $(KSRC) harness/model.c harness/model_load.c harness/rope_table.c harness/par.c \
	      bench/bench_model.c -o $@ -lpthread -lm

# bench_linear also times 2 threads splitting rows (harness/par.c)
$(B)/bench_linear: $(KSRC) bench/bench_linear.c harness/par.c $(HDRS) bench/bench.h
	@mkdir -p $(B)
	$(CC) $(CPPFLAGS) $(BENCHFLAGS) $(KSRC) harness/par.c bench/bench_linear.c -o $@ -lpthread -lm

$(B)/bench_%: $(KSRC) bench/bench_%.c $(wildcard kernels/*.h spec/*.h bench/*.h tests/bits.h)
	@mkdir -p $(B)
	$(CC) $(CPPFLAGS) $(BENCHFLAGS) $(KSRC) bench/bench_$*.c -o $@ -lm

# Proofs: Frama-C WP over every kernels/*.c, the ledger in verified/.
prove:
	@sh proofs/prove.sh

# The Coq scripts of proofs/coq (exp's accuracy: the polynomial's method
# error, the facts about e^x, the composition), checked in a fresh copy
# under build/coq; needs Debian's coq and libcoq-interval (make deps).
# make prove runs the same check (proofs/coq.sh) and counts the ACSL lemmas
# they prove in the ledger.
coq:
	@sh proofs/coq.sh $(B)/coq

deps:
	@sh CI/deps.sh

# Text from the embedded default model (models/moe-bytes-mxfp4), sampled
# with a fixed seed; `make run-ref` runs vik-ref on the format references.
run: $(B)/vik
	$(B)/vik run --seed 2 -n 300 --temperature 0.5

run-ref: $(B)/vik-ref
	$(B)/vik-ref ../shared/reference/formats $(B)/out/formats

clean:
	rm -rf $(B)
