# Two commands matter: `make demo` and `make test`. Everything else is a step of those.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV        := .venv
PY          := $(VENV)/bin/python
# dbt's command line as a batch job (ops/dbt_cli.py: the garbage collector tuned for one run, no
# teardown of the interpreter at exit; about 1 s of a daily cycle; colours on a terminal only, not
# in a log); `make ... DBT=$(VENV)/bin/dbt` runs the plain `dbt` script instead.
DBT         := $(PY) -m ops.dbt_cli
UV          := $(VENV)/bin/uv
UV_VERSION  := 0.13.9
VENV_BQ     := .venv-bq
SEASONS     ?= 1
SEED        ?= 42
# The sample's "tonight" (sample_data.generate --today): a shorter season for quick runs.
TODAY       ?=
DEST        ?= public
# The run's clock (UTC, YYYY-MM-DD HH:MM:SS) when it is not now: a replay, the demo (the
# sample's own moment: python -m sample_data.clock), a test. It decides which games and
# days are locked (docs/decisions.md "Lock at tip-off") and judges source freshness.
# CLOCK=sample: the sample warehouse's own moment (python -m sample_data.clock $DUCKDB_PATH),
# e.g. `make live CLOCK=sample` after a live_replay step on the demo.
CLOCK       ?=
export DUCKDB_PATH ?= .warehouse/props.duckdb
ifeq ($(CLOCK),sample)
override CLOCK := $(shell $(VENV)/bin/python -m sample_data.clock $(DUCKDB_PATH))
ifeq ($(CLOCK),)
# never the machine's clock instead: a sample built at it finds every game long over
$(error CLOCK=sample: no clock read from $(DUCKDB_PATH) (the line above says why); nothing was run)
endif
endif
# dbt reads the clock from its environment, PROPS_CLOCK (macros/clock.sql), not from --vars: a
# change of --vars makes dbt parse the whole project again (7 s), and every replayed run has a
# new clock; an environment variable read at execution only changes no parse.
DBT_CLOCK   := $(if $(CLOCK),PROPS_CLOCK="$(CLOCK)",)
export DBT_PROFILES_DIR := $(CURDIR)
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DBT_VERSION_CHECK := false

# Runs (docs/deployment.md). A scheduled run of a trigger group keeps its run state in its
# own dbt target folder, $(STATE_DIR)/GROUP (manifest, run results, sources.json of its
# freshness check), so the publisher's run-results gate reads the build of this group and of
# this run only (make build / publish use $(STATE_DIR) itself). Every run that writes the
# warehouse or a destination holds, for its whole length, a flock lock (ops/locked.sh) on
# each thing it shares: the warehouse (the DuckDB file: next to it; another profile target:
# its dataset, under LOCK_DIR), its target folder (run.lock inside), and each destination (a
# folder: FOLDER.lock next to it; a bucket: under LOCK_DIR, this machine only, and the publisher
# locks the bucket itself, from any machine: its v1.lock object). A run that
# finds one held waits up to LOCK_WAIT seconds, then exits 75 naming the holder.
GROUPS      := after-predictions hourly daily live
GROUP       ?=
STATE_DIR   ?= $(or $(DBT_TARGET_PATH),target)
ifeq ($(strip $(STATE_DIR)),)
# (an exported empty STATE_DIR, or STATE_DIR=: run results would go to /GROUP at the root)
$(error STATE_DIR is empty: name the folder of dbt's run results (default: $$DBT_TARGET_PATH, else target); nothing was run)
endif
RUN_DIR      = $(STATE_DIR)/$(GROUP)
LOCK_DIR    ?= .locks
LOCK_WAIT   ?= 600
REPORT      ?=
PUBLISH_ARGS ?=
# Private admin files (admin/...) go to their own destination when the publisher has
# --admin-dest: next to DEST for a folder (public-admin/v1/admin/...); a gs:// DEST needs
# ADMIN_DEST set to a private bucket (docs/deployment.md).
ADMIN_DEST  ?= $(if $(filter gs://%,$(DEST)),,$(patsubst %/,%,$(DEST))-admin)
ADMIN_FLAG   = $(if $(ADMIN_DEST),--admin-dest $(ADMIN_DEST),$(error ADMIN_DEST is not set: with DEST=$(DEST) admin files need a private destination, e.g. ADMIN_DEST=gs://PRIVATE_BUCKET/site))
WAREHOUSE_TARGET = $(or $(DBT_TARGET),dev)
WAREHOUSE_LOCK = $(if $(filter dev,$(WAREHOUSE_TARGET)),$(DUCKDB_PATH).lock,$(LOCK_DIR)/warehouse-$(WAREHOUSE_TARGET)$(if $(filter bigquery,$(WAREHOUSE_TARGET)),-$(or $(BQ_PROJECT),nba-props-platform).$(or $(BQ_DATASET),props)).lock)
dest_lock    = $(if $(filter gs://%,$(1)),$(LOCK_DIR)/dest-$(subst /,_,$(patsubst gs://%,%,$(patsubst %/,%,$(1)))).lock,$(patsubst %/,%,$(1)).lock)
RUN_LOCKS    = $(WAREHOUSE_LOCK) $(RUN_DIR)/run.lock $(call dest_lock,$(or $(strip $(DEST)),$(error DEST is empty: name the destination of the published files (DEST=public, the default; DEST=gs://BUCKET/site in production); nothing was run))) $(if $(ADMIN_DEST),$(call dest_lock,$(ADMIN_DEST)))
LOCKED       = ops/locked.sh -w $(LOCK_WAIT) -d "make $@$(if $(GROUP), GROUP=$(GROUP))$(if $(CLOCK), CLOCK=$(CLOCK))" $(RUN_LOCKS)
# The DuckDB warehouse must exist: dbt would make an empty file at a mistyped DUCKDB_PATH and
# fail on a missing schema (nba_raw), a message that names neither the variable nor the path.
CHECK_WAREHOUSE = $(if $(filter dev,$(WAREHOUSE_TARGET)),[ -f "$(DUCKDB_PATH)" ] || { echo "error: DUCKDB_PATH=$(DUCKDB_PATH): no such warehouse file; point DUCKDB_PATH at the warehouse (make sample makes the sample one); nothing was run" >&2; exit 2; },true)
CHECK_GROUP  = $(if $(filter $(GROUPS),$(GROUP)),true,echo "error: GROUP='$(GROUP)' is not a trigger group; use GROUP=after-predictions, hourly, daily or live" >&2; exit 2)
# Run results vouch for the marts their build left. A scheduled run deletes its group's and the
# full build's (it rebuilds marts a full publish reads; no group's marts are upstream of
# another group's); a full build deletes them all.
ALL_RUN_RESULTS = $(STATE_DIR)/run_results.json $(foreach g,$(GROUPS),$(STATE_DIR)/$(g)/run_results.json)
PUBLISH_GROUP = env DBT_TARGET_PATH=$(RUN_DIR) $(PY) -m publisher.cli --group $(GROUP) --dest $(DEST) $(ADMIN_FLAG) --all-dates $(PUBLISH_ARGS)$(if $(REPORT), --json $(REPORT))

.PHONY: help env env-bq demo sample sample-path build build-steps publish live live-night scheduled scheduled-steps rehearsal rebuild-record-steps rebuild-record bench test test-bq known-gaps pytest dbt-test lock clean
.PHONY: lint lint-python lint-sql lint-project fix schemas docs docs-serve preview preview-env

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 16

$(VENV)/.ready: requirements.lock pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q uv==$(UV_VERSION)
	$(UV) pip sync -q --python $(PY) --compile-bytecode requirements.lock
	$(UV) pip install -q --python $(PY) --compile-bytecode --no-deps -e .
	touch $@

env: $(VENV)/.ready ## create the Python environment (.venv) from requirements.lock

# The BigQuery emulator pins its own duckdb and sqlglot: a virtualenv of its own.
$(VENV_BQ)/.ready: requirements-bq-emulator.txt | $(VENV)/.ready
	python3 -m venv --without-pip $(VENV_BQ)
	$(UV) pip sync -q --python $(VENV_BQ)/bin/python --compile-bytecode requirements-bq-emulator.txt
	touch $@

env-bq: $(VENV_BQ)/.ready ## create the BigQuery emulator's environment (.venv-bq) from requirements-bq-emulator.txt

profiles.yml: profiles.yml.example
	cp profiles.yml.example profiles.yml

# The generator is deterministic (same SEASONS, SEED, TODAY: identical tables), so each sample
# is generated once into .warehouse/samples/ (again when sample_data/ or the environment
# changes) and copied to $DUCKDB_PATH: a fresh, unbuilt warehouse every time, without the
# ~8 s of generating it again.
SAMPLE_FILE := .warehouse/samples/seasons$(SEASONS)-seed$(SEED)$(if $(TODAY),-today$(TODAY)).duckdb
SAMPLE_DEPS := $(shell find sample_data -type f -not -path '*/__pycache__/*' 2>/dev/null)
$(SAMPLE_FILE): $(SAMPLE_DEPS) $(VENV)/.ready
	$(PY) -m sample_data.generate --seasons $(SEASONS) --seed $(SEED) $(if $(TODAY),--today $(TODAY)) --out $@

# (its first prerequisite: checked before the sample is generated)
sample-path:
	@[ -n "$(strip $(DUCKDB_PATH))" ] || { echo "error: DUCKDB_PATH is empty: name the warehouse file to write (default .warehouse/props.duckdb); nothing was run" >&2; exit 2; }

sample: sample-path env $(SAMPLE_FILE) ## a fresh sample warehouse (SEASONS=1, SEED=42; TODAY=YYYY-MM-DD: a shorter one) at $DUCKDB_PATH (generated once, then copied)
	@mkdir -p "$$(dirname -- "$(DUCKDB_PATH)")"
	rm -f -- "$(DUCKDB_PATH).wal" "$(DUCKDB_PATH).tmp"
	cp -- "$(SAMPLE_FILE)" "$(DUCKDB_PATH).tmp"
	mv -f -- "$(DUCKDB_PATH).tmp" "$(DUCKDB_PATH)"

build: env profiles.yml ## dbt build (models, seeds, data tests; CLOCK=... for a past moment) on $DUCKDB_PATH
	@$(CHECK_WAREHOUSE)
	@mkdir -p $(STATE_DIR)
	$(LOCKED) -- $(MAKE) --no-print-directory build-steps

# Under the locks: every earlier run's results go (this build rebuilds every mart they vouched for).
build-steps:
	rm -f $(ALL_RUN_RESULTS)
	env DBT_TARGET_PATH=$(STATE_DIR) $(DBT_CLOCK) $(DBT) build --fail-fast --exclude-resource-type unit_test

publish: env ## publish every endpoint for every date to $(DEST)/v1 (GROUP=G: only the publish step of G's last scheduled run)
ifeq ($(GROUP),)
	@mkdir -p $(STATE_DIR)
	$(LOCKED) -- env DBT_TARGET_PATH=$(STATE_DIR) $(PY) -m publisher.cli --dest $(DEST) $(ADMIN_FLAG) --all-dates $(PUBLISH_ARGS)$(if $(REPORT), --json $(REPORT))
else
	@$(CHECK_GROUP)
	@mkdir -p $(RUN_DIR)
	$(LOCKED) -- $(PUBLISH_GROUP)
endif

demo: sample ## the whole pipeline on the sample warehouse, at the sample's clock -> public/v1/
	clock="$$($(PY) -m sample_data.clock $(DUCKDB_PATH))" && \
	    $(MAKE) --no-print-directory build publish CLOCK="$$clock"
	@echo "demo: JSON site written to $(DEST)/v1/"

# The record of published picks is append-only: --full-refresh keeps it. For a real bug fix
# only, this rebuilds it from the sources with today's rules (docs/decisions.md).
rebuild-record: env profiles.yml ## DELIBERATE: rebuild the locked record of picks from the sources (then make publish DEST=... ADMIN_DEST=...)
	@$(CHECK_WAREHOUSE)
	@mkdir -p $(STATE_DIR)
	$(LOCKED) -- $(MAKE) --no-print-directory rebuild-record-steps

rebuild-record-steps:
	rm -f $(ALL_RUN_RESULTS)
	env DBT_TARGET_PATH=$(STATE_DIR) $(DBT_CLOCK) $(DBT) build --full-refresh --exclude-resource-type unit_test --vars '{rebuild_record: true}'

# One scheduled run of a trigger group, the one command per schedule (docs/deployment.md):
#   make scheduled GROUP=after-predictions|hourly|daily|live [CLOCK=...] [DEST=...] [ADMIN_DEST=...]
# Under the run's locks: the group's previous run results and the full build's are deleted (a
# build that never finishes leaves none, so nothing can be published from it), and so is the
# last REPORT (a run that stops before its publish step leaves none); source freshness at the clock
# (a source stale beyond its error threshold stops the run before anything is built); dbt
# build --selector GROUP at the clock (unit tests excluded: they test code, not data, and run
# in make test); the publisher for the group, every date (--all-dates: change detection
# uploads only the files whose content changed, which carries yesterday's results and a
# correction of any age). REPORT=FILE keeps the publisher's --json report.
scheduled: env profiles.yml ## one scheduled run (GROUP=, CLOCK=, DEST=, ...): freshness, build, publish of a trigger group (docs/deployment.md)
	@$(CHECK_GROUP)
	@$(CHECK_WAREHOUSE)
	@mkdir -p $(RUN_DIR)
	$(LOCKED) -- $(MAKE) --no-print-directory scheduled-steps GROUP=$(GROUP)

# The steps of `make scheduled`, run under its locks (never alone). A failed step ends the run
# with one line on stderr naming the step, its exit status and what was published (as a failed
# `make live-night` cycle does): make's own `Error N` names only the recipe. Each step prints
# its command first (show_step), not the recipe line: that held the handler's text, so every
# good run's log said "FAILED at" three times.
FRESHNESS_STEP = env DBT_TARGET_PATH=$(RUN_DIR) $(DBT_CLOCK) $(DBT) source freshness --selector $(GROUP)
BUILD_STEP     = env DBT_TARGET_PATH=$(RUN_DIR) $(DBT_CLOCK) $(DBT) build --selector $(GROUP) --exclude-resource-type unit_test
show_step      = echo '$(subst ','\'',$(strip $(1)))'
step_failed    = || { status=$$?; echo "make scheduled GROUP=$(GROUP): FAILED at $(1) (exit $$status): $(2)" >&2; exit $$status; }
scheduled-steps:
	rm -f $(RUN_DIR)/run_results.json $(STATE_DIR)/run_results.json$(if $(REPORT), $(REPORT))
	@$(call show_step,$(FRESHNESS_STEP)); $(FRESHNESS_STEP) \
	  $(call step_failed,dbt source freshness,the STALE lines above name each stale source with its age on the game calendar and its threshold (other lines: why dbt could not run); nothing was built or published)
	@$(call show_step,$(BUILD_STEP)); $(BUILD_STEP) \
	  $(call step_failed,dbt build,the BAD INPUT and ERROR lines above name the cause; nothing of the group was published and the site stays as it was)
	@$(call show_step,$(PUBLISH_GROUP)); $(PUBLISH_GROUP) \
	  $(call step_failed,publish,the build is good; the publisher's summary above names the cause; make publish GROUP=$(GROUP) publishes this build again)

live: ## one live-grading cycle: make scheduled GROUP=live (on the demo: make live CLOCK=sample)
	@$(MAKE) --no-print-directory scheduled GROUP=live

# A game night of live grading in one process (ops/live_night.py): dbt parses once, then the
# cycle of `make live` every EVERY seconds until UNTIL (UTC, YYYY-MM-DDTHH:MM) or after CYCLES,
# each cycle under the run's locks. Its own log line per cycle; exit 1 when any cycle failed.
EVERY       ?= 180
UNTIL       ?=
CYCLES      ?=
live-night: GROUP := live
live-night: env profiles.yml ## live grading all night in one process: a cycle every EVERY=180 s until UNTIL= or CYCLES= (docs/deployment.md)
	@[ -n "$(UNTIL)$(CYCLES)" ] || { echo "error: make live-night: give UNTIL=YYYY-MM-DDTHH:MM (UTC: no cycle starts after it) or CYCLES=N: a night ends" >&2; exit 2; }
	@$(CHECK_WAREHOUSE)
	@mkdir -p $(RUN_DIR)
	env DBT_TARGET_PATH=$(RUN_DIR) $(DBT_CLOCK) $(PY) -m ops.live_night --every $(EVERY) $(if $(UNTIL),--until $(UNTIL)) \
	  $(if $(CYCLES),--cycles $(CYCLES)) --lock-wait $(LOCK_WAIT) \
	  $(foreach lock,$(RUN_LOCKS),--lock $(lock)) --forget $(STATE_DIR)/run_results.json \
	  -- --dest $(DEST) $(ADMIN_FLAG) $(PUBLISH_ARGS)

# The schedule rehearsed (sample_data/rehearsal.py): DAYS game days of the sample replayed on a
# simulated clock into .warehouse/rehearsal/, every run a `make scheduled`, a bad input on day
# FAIL_DAY; exits 1 naming any problem (a pending result after a morning, a failed run that
# published, a refused publish that was not, a catch-up that did not).
DAYS        ?= 2
FAIL_DAY    ?= 2
rehearsal: env profiles.yml ## replay DAYS=2 game days on a simulated clock with make scheduled (a bad input on FAIL_DAY=2), checking every morning
	rm -rf .warehouse/rehearsal/warehouse.duckdb* .warehouse/rehearsal/target .warehouse/rehearsal/site* .warehouse/rehearsal/reports .warehouse/rehearsal/logs
	$(PY) -m sample_data.rehearsal --out .warehouse/rehearsal --days $(DAYS) --fail-day $(FAIL_DAY)

# Warehouses are generated once into .warehouse/bench/ (kept until sample_data/ changes).
# BASE=REV also measures that revision's product in the same run (before / after).
BASE        ?=
bench: env profiles.yml ## cost at 1 and 5 seasons: full build vs dbt's floor, a plain dbt project and the bare SQL; daily cycle, demo, publisher -> bench/RESULTS.md "Scale" (BASE=main: before/after)
	$(PY) bench/scale.py$(if $(BASE), --base $(BASE))

dbt-test: env profiles.yml ## dbt build on a fresh sample warehouse (every data and unit test)
	$(MAKE) --no-print-directory sample DUCKDB_PATH=.warehouse/ci.duckdb SEASONS=1 TODAY=
	DUCKDB_PATH=.warehouse/ci.duckdb $(DBT) build --fail-fast

# Test files run on both cores (each file on one worker: its module fixtures build once),
# the slowest files first (tests/python/conftest.py), so that neither core idles at the end.
# The reproducers of known gaps (marker known_gap: strict xfail, they fail until the gap is
# fixed) run apart, in make known-gaps: they check no behaviour the product promises
# today (docs/decisions.md "Lock at tip-off: known gaps").
PYTEST_ARGS ?= -n 2 --dist loadfile --no-loadscope-reorder --durations=20
pytest: env env-bq preview-env profiles.yml ## the Python test suite (the BigQuery emulator tests included; not the known gaps)
	$(PY) -m pytest -m "not known_gap" $(PYTEST_ARGS)

known-gaps: env profiles.yml ## the reproducers of the known gaps (docs/decisions.md): each must fail (strict xfail)
	$(PY) -m pytest -m known_gap $(PYTEST_ARGS)

test-bq: env env-bq profiles.yml ## only the BigQuery tests: emulator build + parity, offline compile
	$(PY) -m pytest tests/python/test_bigquery_emulator.py tests/python/test_bigquery_compile.py

# Quality gates (README "Quality gates"). dbt parses / compiles the project on a throwaway
# DuckDB file into its own target folder: no warehouse needed, target/ left alone.
LINT_DIR  := target/lint
LINT_ENV  := DUCKDB_PATH=$(LINT_DIR)/lint.duckdb DBT_LOG_PATH=$(LINT_DIR)/logs DBT_TARGET=dev
SQL_PATHS ?= models tests/data

lint: lint-python lint-sql lint-project ## every static check: ruff + mypy, sqlfluff, dbt-bouncer project rules

lint-python: env ## ruff on all Python, mypy on publisher/, tools/, ops/ (settings in pyproject.toml)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/pre-commit validate-config .pre-commit-config.yaml

lint-sql: env profiles.yml ## sqlfluff lint (.sqlfluff: dbt templater, DuckDB) of SQL_PATHS (default models, tests/data)
	$(LINT_ENV) DBT_TARGET_PATH=$(LINT_DIR)/sqlfluff $(VENV)/bin/sqlfluff lint $(SQL_PATHS)

lint-project: env profiles.yml ## dbt-bouncer project rules (dbt-bouncer.yml) on the manifest of dbt parse
	$(LINT_ENV) $(DBT) parse -q --target-path $(LINT_DIR)
	$(PY) tests/bouncer/run.py

fix: env profiles.yml ## sqlfluff fix of SQL_PATHS (default models, tests/data) and ruff's safe fixes
	$(LINT_ENV) DBT_TARGET_PATH=$(LINT_DIR)/sqlfluff $(VENV)/bin/sqlfluff fix $(SQL_PATHS)
	$(VENV)/bin/ruff check --fix .

# dbt parse into target/ (the schemas command reads target/manifest.json): the manifest then
# describes the code as it is now; a publish after it needs a build of that code (its gate).
schemas: env profiles.yml ## regenerate schemas/ and docs/endpoints.md from the marts' publish declarations and contracts
	$(DBT) parse -q
	$(PY) -m publisher.cli schemas --write
	$(PY) -m tools.endpoints_page --write

docs: env profiles.yml ## dbt docs site in target/docs, offline (catalog of $DUCKDB_PATH if it exists); browse: make docs-serve
	$(DBT) docs generate --target-path target/docs $(if $(wildcard $(DUCKDB_PATH)),,--empty-catalog)

docs-serve: docs ## serve the docs site on http://127.0.0.1:8080
	$(DBT) docs serve --target-path target/docs --host 127.0.0.1 --port 8080 --no-browser

# The preview (preview/, issue #20): static pages that read the published v1/ files. Its one
# library, Observable Plot, is pinned in preview/package-lock.json and installed by npm ci
# (again whenever the lock changes); the browser loads it from preview/node_modules.
PREVIEW_PORT ?= 8765
preview/node_modules/.ready: preview/package.json preview/package-lock.json
	cd preview && npm ci --no-audit --no-fund --loglevel=error
	touch $@

preview-env: preview/node_modules/.ready ## install the preview's pinned chart library (npm ci in preview/)

preview: preview-env ## serve the preview of $(DEST)/v1 (after make demo) on http://127.0.0.1:$(PREVIEW_PORT)/ (a free port if taken)
	python3 preview/serve.py --site $(DEST) --port $(PREVIEW_PORT)

test: lint pytest ## every test (but the known gaps: make known-gaps): the lint gates, then pytest (the demo test runs dbt build with every data and unit test)

lock: ## re-resolve requirements.lock from pyproject.toml (and the emulator's lock)
	$(UV) pip compile -q pyproject.toml --extra dev -o requirements.lock --python-version 3.11
	$(UV) pip compile -q requirements-bq-emulator.in -o requirements-bq-emulator.txt --python-version 3.11

# Deletes only inside this repository: DEST (and its admin folder and lock files) must resolve,
# symlinks followed, to an untracked folder under the repository; anything else is refused,
# naming the fix, before anything is deleted. A gs:// destination is never touched.
CLEAN_DESTS = $(foreach d,$(DEST) $(ADMIN_DEST),$(if $(filter gs://%,$(d)),,$(patsubst %/,%,$(d))))
clean: ## remove generated files (keeps .venv) and DEST, which must lie inside the repository (else nothing is deleted)
	@repo="$$(realpath .)"; \
	if [ -z "$(strip $(DEST))" ]; then echo "error: make clean: DEST is empty: not deleting anything (run make clean DEST=public)" >&2; exit 2; fi; \
	for d in $(CLEAN_DESTS); do \
	    p="$$(realpath -m -- "$$d")"; \
	    case "$$p" in \
	        "$$repo"/?*) ;; \
	        *) echo "error: make clean: DEST folder $$d resolves to $$p, which is not a folder inside the repository $$repo: nothing deleted." >&2; \
	           echo "error: make clean deletes only inside the repository: pass the DEST you published to inside it (make clean DEST=public), or remove $$p by hand." >&2; \
	           exit 2 ;; \
	    esac; \
	    if [ -n "$$(git ls-files -- "$$p" 2>/dev/null | head -n 1)" ]; then \
	        echo "error: make clean: DEST folder $$d holds files tracked by git: not deleting anything (pass DEST=public, or the folder you published to)." >&2; \
	        exit 2; \
	    fi; \
	done
	rm -rf -- target dbt_packages logs .warehouse .locks $(foreach d,$(CLEAN_DESTS),$(d) $(d).lock)
