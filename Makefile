# OpenETS — everything starts here. Two commands on a fresh machine:
#   make demo   the demo market (SQLite, seeded) with the browser terminal
#   make test   the whole test suite (lint, types, tests)
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo serve test lint types pytest pytest-pg bench bench-quick clean browser

# setup.py builds the compiled order book (openets/trading/_cbook.c) and the journal's hash-chain
# link (openets/engine/_chain.c) into the editable install.
$(STAMP): pyproject.toml requirements.lock setup.py openets/trading/_cbook.c openets/engine/_chain.c
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip "setuptools>=68" wheel
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

venv: $(STAMP)

# make demo PORT=8001 DB=sqlite:///other.db: a second demo beside a running one.
demo: $(STAMP)
	$(BIN)/openets demo $(if $(PORT),--port $(PORT)) $(if $(DB),--db $(DB))

serve: $(STAMP)
	$(BIN)/openets serve --seed-registry

# Debian's chromium drives the browser tests (skipped, with a message, where it cannot be installed).
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null) \
	  || echo "note: chromium not installed; browser tests will be skipped"; }

lint: $(STAMP)
	$(BIN)/ruff check openets tests benchmarks

types: $(STAMP)
	$(BIN)/mypy openets

pytest: $(STAMP) browser
	$(BIN)/pytest -n 2 --dist loadgroup --timeout 600

# The same suite again with every market on a throwaway PostgreSQL (tests/pg.py starts it),
# but for the tests marked db_free, which never open a database, and own_db, whose databases
# are SQLite files of their own whatever the run asks for (the API and page servers' markets,
# but for the API and page modules ON_THE_RUNS_DATABASE, whose servers run on PostgreSQL here).
# Of the browser tests only those modules' (on_runs_db): the others would run the same.
pytest-pg: $(STAMP) browser
	OPENETS_TEST_DB=postgres $(BIN)/pytest -n 2 --dist loadgroup --timeout 600 -m "(not browser or on_runs_db) and not db_free and not own_db"

test: lint types pytest pytest-pg

bench-quick: $(STAMP)
	$(BIN)/python benchmarks/run_all.py --quick

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
