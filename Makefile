# gantool's two commands: `make demo` and `make test` do all the set-up on a fresh Debian
# machine (installing missing packages with apt-get), then build and run.
BUILD   ?= build
JOBS    ?= $(shell nproc)
GANTOOL := $(BUILD)/gantool

# Debian packages to build and test gantool.
PACKAGES := g++ make cmake pkg-config libdnnl-dev ocl-icd-opencl-dev libcli11-dev libfmt-dev \
            libhdf5-dev nlohmann-json3-dev libnanoflann-dev catch2 hdf5-tools python3 python3-h5py \
            python3-numpy
# ... and for the benchmarks (the reference estimators of eval-jsd's validation too).
BENCH_PACKAGES := time bc python3-scipy python3-sklearn

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
	cd $(BUILD) && ctest --output-on-failure

demo: deps
	@$(MAKE) --no-print-directory build
	@sh tools/demo.sh $(GANTOOL) $(BUILD)/demo

bench: deps
	@sh tools/install-deps.sh $(BENCH_PACKAGES)
	@$(MAKE) --no-print-directory build
	@sh bench/run.sh $(BUILD) $(BUILD)/bench

clean:
	rm -rf $(BUILD)
