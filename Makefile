# Front door: `make` builds, `make run` runs the default suite, `make test`
# runs the tests and the regression gate, `make bench` runs the harness
# benchmark (a few minutes), `make baseline` refreshes the gate's baseline.
# `run`, `test` and `bench` first install what is missing (Debian packages,
# with apt-get; as root or through sudo).

BUILD_DIR ?= build
OPTBENCH  := $(BUILD_DIR)/optbench

# Everything the build, the tests and the charts need.
PACKAGES := gcc libc6-dev make meson ninja-build pkg-config \
            libcriterion-dev gnuplot-nox libinih-dev nettle-dev \
            libjson-c-dev zlib1g-dev libopenblas-dev dataset-fashion-mnist

.PHONY: all build run test bench deps clean gate baseline

# The regression gate: the quick suite must reproduce these files byte for
# byte (timings.csv and manifest.json aside; see README, "Comparing runs").
BASELINE_DIR   := results/baseline/quick
BASELINE_FILES := runs.csv targets.csv traces.csv summary.csv manifest.json
GATE_DIR       := $(BUILD_DIR)/gate

all: build

deps:
	@missing=""; \
	for package in $(PACKAGES); do \
	    dpkg-query -W -f='$${Status}\n' "$$package" 2>/dev/null \
	        | grep -q 'install ok installed' || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
	    echo "installing:$$missing" >&2; \
	    sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	    $$sudo apt-get update -qq >&2 && \
	    DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq \
	        --no-install-recommends $$missing >&2; \
	fi

# Configures on first use, and again when the tests are missing from an
# existing build (Criterion was installed after the first configure).
$(BUILD_DIR)/build.ninja:
	meson setup $(BUILD_DIR)

build: $(BUILD_DIR)/build.ninja
	@if pkg-config --exists criterion && \
	    ! ninja -C $(BUILD_DIR) -t targets all | grep -q 'test_optim:'; then \
	    meson setup --reconfigure $(BUILD_DIR); \
	fi
	ninja -C $(BUILD_DIR)

run: deps
	@$(MAKE) --no-print-directory build
	$(OPTBENCH) run

# Ratios measured in one process: harness overhead per step, 1 -> 2 thread
# speed-up, quick-suite wall time, adam step bandwidth against memcpy/triad.
# Then one epoch of Fashion-MNIST gradients against torch (python3-torch,
# not in PACKAGES: it is large; without it only optbench's times show).
bench: deps
	@$(MAKE) --no-print-directory build
	$(BUILD_DIR)/bench_harness
	$(BUILD_DIR)/bench_models

test: deps
	@$(MAKE) --no-print-directory build
	@status=0; \
	meson test -C $(BUILD_DIR) --print-errorlogs || status=$$?; \
	gate=1; $(MAKE) --no-print-directory gate || { gate=0; status=1; }; \
	grep -h 'Synthesis: Tested:' $(BUILD_DIR)/meson-logs/testlog.txt \
	    | sed 's/\x1b\[[0-9;]*m//g' \
	    | awk -F'|' -v gate=$$gate '{ for (i = 1; i <= NF; i++) { \
	        if ($$i ~ /Passing:/) { split($$i, a, ":"); pass += a[2] } \
	        if ($$i ~ /Failing:|Crashing:/) { split($$i, a, ":"); fail += a[2] } } } \
	      END { pass += gate; fail += 1 - gate; \
	            printf "tests: %d passed, %d failed\n", pass, fail }'; \
	exit $$status

# Runs the quick suite and compares it with the baseline (--exact); on a
# difference, lists the cells that moved and fails.
gate: build
	@rm -rf $(GATE_DIR)
	@$(OPTBENCH) run quick --out $(GATE_DIR) --no-charts --no-progress \
	    2>$(GATE_DIR).log || { cat $(GATE_DIR).log >&2; exit 1; }
	@if $(OPTBENCH) compare $(BASELINE_DIR) $(GATE_DIR)/results/quick \
	        --exact --no-charts >$(GATE_DIR)/compare.txt 2>$(GATE_DIR).log; \
	then \
	    echo "gate: the quick suite reproduces $(BASELINE_DIR)"; \
	else \
	    echo "gate: the quick suite moved from $(BASELINE_DIR):" >&2; \
	    sed 's/^optbench: /  /' $(GATE_DIR).log >&2; \
	    grep -v ' same$$' $(GATE_DIR)/compare.txt | sed 's/^/  /' >&2; \
	    echo "gate: details in $(GATE_DIR)/results/quick/compare.md;" \
	        "if the change is intended, run 'make baseline' and commit" \
	        "$(BASELINE_DIR)" >&2; \
	    exit 1; \
	fi

# Reruns the quick suite into results/baseline/quick, on purpose: review
# with git diff and commit it with the change that moved the results.
baseline: build
	@rm -rf $(BUILD_DIR)/baseline-run
	$(OPTBENCH) run quick --out $(BUILD_DIR)/baseline-run --no-charts \
	    --no-progress
	@mkdir -p $(BASELINE_DIR)
	@for file in $(BASELINE_FILES); do \
	    cp $(BUILD_DIR)/baseline-run/results/quick/$$file \
	        $(BASELINE_DIR)/$$file || exit 1; \
	done
	@echo "wrote $(BASELINE_DIR): review with git diff, then commit it"

clean:
	rm -rf $(BUILD_DIR)
