# The two commands of the README: `make run` and `make test`. Everything else is a helper.
BUILD ?= build
JOBS ?= $(shell nproc)

.PHONY: run test deps build build-asan test-asan bench fuzz format clean

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

# The fuzz targets (clang + libFuzzer + ASan/UBSan), each for FUZZ_SECONDS, JOBS at a time, seeded
# from testdata/.
FUZZ_SECONDS ?= 60
FUZZ_FLAGS = -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 -rss_limit_mb=2048
fuzz: deps
	CC=clang CXX=clang++ cmake -S . -B $(BUILD)-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCONCORD_FUZZ=ON -DCONCORD_BUILD_BENCH=OFF >/dev/null
	cmake --build $(BUILD)-fuzz -j $(JOBS) --target stix_reader_fuzz pattern_parser_fuzz \
	  ingest_fuzz warning_list_fuzz taxii_query_fuzz taxii_request_fuzz policy_fuzz
	mkdir -p $(BUILD)-fuzz/corpus/stix $(BUILD)-fuzz/corpus/pattern $(BUILD)-fuzz/corpus/ingest \
	  $(BUILD)-fuzz/corpus/warninglists $(BUILD)-fuzz/corpus/taxii $(BUILD)-fuzz/corpus/requests \
	  $(BUILD)-fuzz/corpus/policy
	grep -h '^pattern ' testdata/pattern/*.cases | sed 's/^pattern //' | \
	  split -l 1 - $(BUILD)-fuzz/corpus/pattern/seed-
	for f in $$(find testdata/ingest testdata/scan -type f ! -name '*.expected' ! -name '*.md'); do \
	  { printf '\000'; gzip -dcf "$$f"; } | head -c 60000 > $(BUILD)-fuzz/corpus/ingest/$$(echo "$$f" | tr / _); done
	printf 'match%%5Btype%%5D=indicator,malware&limit=50&added_after=2016-05-12T08:17:27.123Z' \
	  > $(BUILD)-fuzz/corpus/taxii/seed-objects
	printf 'match[id]=indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f&match[version]=first,last' \
	  > $(BUILD)-fuzz/corpus/taxii/seed-ids
	printf 'match[version]=2016-05-12T08:17:27Z&match[spec_version]=2.0,2.1&next=c1.1463041047' \
	  > $(BUILD)-fuzz/corpus/taxii/seed-versions
	printf 'limit=007&next=c1.%%31+2&match[type]=%%zz&match[version]=lates' \
	  > $(BUILD)-fuzz/corpus/taxii/seed-errors
	printf 'application/taxii+json;version=2.1, application/taxii+json;q=0.5, */*;q=0' \
	  > $(BUILD)-fuzz/corpus/taxii/seed-accept
	printf 'Application/TAXII+json; charset=utf-8; version="2.1"' \
	  > $(BUILD)-fuzz/corpus/taxii/seed-content-type
	cp testdata/taxii/requests/* $(BUILD)-fuzz/corpus/requests/
	{ printf '\000'; cat docs/agreements.md | sed -n '/^```toml/,/^```/p' | sed '1d;$$d'; } \
	  > $(BUILD)-fuzz/corpus/policy/seed-agreements
	for f in testdata/stix/valid/*.json; do { printf '\001'; cat "$$f"; } \
	  > $(BUILD)-fuzz/corpus/policy/$$(basename "$$f"); done
	FUZZ_FLAGS='$(FUZZ_FLAGS)' scripts/run-fuzzers.sh $(BUILD)-fuzz $(JOBS)

format:
	clang-format -i $$(git ls-files '*.cc' '*.h')

clean:
	rm -rf $(BUILD) $(BUILD)-asan
