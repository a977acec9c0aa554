# vik: `make` builds the library and the harness CLI; `make prove` runs the proofs;
# `make test` the tests; `make test-exhaustive` the 2^32 encoder sweep; `make bench`.
CC      ?= gcc
# The proven code is the code that runs: C99, no fast-math, no FMA contraction.
CFLAGS  ?= -std=c99 -Wall -Wextra -Werror -O2 -ffp-contract=off
BENCHFLAGS ?= -std=c99 -Wall -Wextra -O3 -march=native -ffp-contract=off
CPPFLAGS += -Ikernels -Ispec -Iharness -Itests
B       := build

KSRC := $(wildcard kernels/*.c)
KOBJ := $(KSRC:%.c=$(B)/%.o)
HLIB := $(B)/harness/npy.o
TSRC := $(wildcard tests/test_*.c)
TBIN := $(TSRC:tests/%.c=$(B)/tests/%)

.PHONY: all prove test test-exhaustive bench run deps clean
all: $(B)/libvik.a $(B)/vik-ref

$(B)/%.o: %.c $(wildcard kernels/*.h spec/*.h harness/*.h tests/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(B)/libvik.a: $(KOBJ)
	rm -f $@ && ar rcs $@ $^

$(B)/vik-ref: $(B)/harness/vik_ref.o $(HLIB) $(B)/libvik.a
	$(CC) $(CFLAGS) $^ -o $@

$(B)/tests/%: $(B)/tests/%.o $(HLIB) $(B)/libvik.a
	$(CC) $(CFLAGS) $^ -o $@ -lpthread

# Unit and reference tests; the runner prints `N passed, M failed`.
test: $(TBIN) $(B)/vik-ref
	@sh tests/run.sh $(TBIN)

# All 2^32 float32 inputs of every encoder against a brute-force oracle.
test-exhaustive: $(B)/tests/exhaustive
	@sh tests/run.sh $(B)/tests/exhaustive

$(B)/tests/exhaustive: tests/exhaustive.c $(KSRC)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -O3 $^ -o $@ -lpthread

bench: $(KSRC) bench/bench_formats.c
	@mkdir -p $(B)
	$(CC) $(CPPFLAGS) $(BENCHFLAGS) $^ -o $(B)/bench_formats
	$(B)/bench_formats

# Proofs: Frama-C WP over every kernels/*.c, the ledger in verified/.
prove:
	@sh proofs/prove.sh

deps:
	@sh CI/deps.sh

run: $(B)/vik-ref
	$(B)/vik-ref ../shared/reference/formats $(B)/out/formats

clean:
	rm -rf $(B)
