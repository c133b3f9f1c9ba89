# gantool's two commands: `make demo` and `make test` do all the set-up on a fresh Debian
# machine (installing missing packages with apt-get), then build and run.
BUILD   ?= build
JOBS    ?= $(shell nproc)
GANTOOL := $(BUILD)/gantool

# Debian packages to build and test gantool (the tests compare with Python's numpy, scipy,
# scikit-learn, pandas and PIL, and import real tables from r-cran-palmerpenguins and
# python3-vega-datasets; `gantool plot` runs gnuplot, without X: gnuplot-nox; PNG files and
# gzipped idx files are read with libpng and zlib). dataset-fashion-mnist is data, not
# code: the image tests read its files, and CI trains on a 2,000-image subset of it.
PACKAGES := g++ make cmake pkg-config libdnnl-dev ocl-icd-opencl-dev libcli11-dev libfmt-dev \
            libhdf5-dev nlohmann-json3-dev libnanoflann-dev libeigen3-dev catch2 hdf5-tools python3 python3-h5py \
            python3-numpy python3-scipy python3-sklearn python3-pandas r-cran-palmerpenguins \
            python3-vega-datasets gzip gnuplot-nox libpng-dev zlib1g-dev python3-pil \
            dataset-fashion-mnist
# ... and for the benchmarks (the reference estimators of eval-jsd's validation too).
BENCH_PACKAGES := time bc python3-scipy python3-sklearn
# ... and for the fuzz targets (clang's libFuzzer; make fuzz).
FUZZ_PACKAGES := clang-14 libclang-rt-14-dev

.PHONY: all deps build test demo bench clean

all: build

deps:
	@sh tools/install-deps.sh $(PACKAGES)

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release

build: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

test: deps
	@$(MAKE) --no-print-directory build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

demo: deps
	@$(MAKE) --no-print-directory build
	@sh tools/demo.sh $(GANTOOL) $(BUILD)/demo

bench: deps
	@sh tools/install-deps.sh $(BENCH_PACKAGES)
	@$(MAKE) --no-print-directory build
	@sh bench/run.sh $(BUILD) $(BUILD)/bench
	@$(MAKE) --no-print-directory test-sanitize
	@if [ -n "$(OLD)" ]; then $(MAKE) --no-print-directory same-bits same-speed; \
	 else echo "bench: same-bits and same-speed skipped: they need an old build (make bench OLD=/path/to/old/build)"; fi

# ---- against an old build: same bits, same speed (bench/same_bits.py, bench/same_speed.py) ----
# OLD is the build folder of the release to compare with; each script's header says how to
# make one (a git worktree of its commit, built with cmake). Both exit 1 on a difference.
.PHONY: same-bits same-speed check-old
check-old:
	@test -n "$(OLD)" || { echo "usage: make $(MAKECMDGOALS) OLD=/path/to/old/build (see bench/same_bits.py)"; exit 2; }
	@test -x "$(OLD)/gantool" -a -x "$(OLD)/bench_gan" || { echo "$(OLD): no gantool and bench_gan built there"; exit 2; }

same-bits: check-old deps
	@$(MAKE) --no-print-directory build
	/usr/bin/python3 bench/same_bits.py $(OLD)/gantool $(GANTOOL)

same-speed: check-old deps
	@$(MAKE) --no-print-directory build
	/usr/bin/python3 bench/same_speed.py $(OLD)/bench_gan $(BUILD)/bench_gan

# ---- safety nets: the tests under sanitizers, and fuzzing (README, "Testing") ----------
SANITIZE_BUILD ?= build-sanitize
FUZZ_BUILD     ?= build-fuzz
FUZZ_SECONDS   ?= 600
FUZZ_TARGETS   := fuzz_csv fuzz_dataset fuzz_model fuzz_config
.PHONY: test-sanitize fuzz-build fuzz fuzz-smoke

# The whole test suite with AddressSanitizer and UBSan in every target (the CLI tests then
# run the sanitized gantool too).
$(SANITIZE_BUILD)/CMakeCache.txt:
	cmake -S . -B $(SANITIZE_BUILD) -DCMAKE_BUILD_TYPE=Release -DGANTOOL_SANITIZE=ON

test-sanitize: deps
	@$(MAKE) --no-print-directory $(SANITIZE_BUILD)/CMakeCache.txt
	cmake --build $(SANITIZE_BUILD) -j $(JOBS) --target gantool gantool_tests
	cd $(SANITIZE_BUILD) && ctest --output-on-failure -j $(JOBS)

# The libFuzzer targets of tests/fuzz, built with clang.
$(FUZZ_BUILD)/CMakeCache.txt:
	CC=clang-14 CXX=clang++-14 cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=Release -DGANTOOL_FUZZ=ON

fuzz-build: deps
	@sh tools/install-deps.sh $(FUZZ_PACKAGES)
	@$(MAKE) --no-print-directory $(FUZZ_BUILD)/CMakeCache.txt
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target $(FUZZ_TARGETS)

# Each target for FUZZ_SECONDS; findings go to $(FUZZ_BUILD)/findings/TARGET/.
fuzz: fuzz-build
	@sh tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

# CI's run: seeded, so that it explores the same inputs each time.
fuzz-smoke:
	@FUZZ_SEED=1 $(MAKE) --no-print-directory fuzz FUZZ_SECONDS=20

clean:
	rm -rf $(BUILD) $(SANITIZE_BUILD) $(FUZZ_BUILD)
