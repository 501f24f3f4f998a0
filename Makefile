# The two commands of the README: `make run` and `make test`. Everything else is a helper.
BUILD ?= build
JOBS ?= $(shell nproc)

.PHONY: run test deps build build-asan test-asan bench format clean

run: build
	scripts/quickstart.sh $(BUILD)/concord

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

deps:
	scripts/install-deps.sh

build: deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

# The whole test suite under AddressSanitizer and UndefinedBehaviorSanitizer (CI runs this too).
build-asan: deps
	cmake -S . -B $(BUILD)-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCONCORD_SANITIZE=ON \
	  -DCONCORD_BUILD_BENCH=OFF >/dev/null
	cmake --build $(BUILD)-asan -j $(JOBS)

test-asan: build-asan
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --test-dir $(BUILD)-asan --output-on-failure -j $(JOBS)

# Benchmarks: figures go in docs/performance.md.
bench: build
	$(BUILD)/bench/stix_import_bench

format:
	clang-format -i $$(git ls-files '*.cc' '*.h')

clean:
	rm -rf $(BUILD) $(BUILD)-asan
