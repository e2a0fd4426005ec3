# One command per chore. A fresh machine needs only `make report` or `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
MIRROR ?= $(CROSSROADS_MIRROR)
export CROSSROADS_DATA_DIR ?= $(CURDIR)/.data

.PHONY: run report test lint bench docs system-deps clean

$(BIN)/crossroads: pyproject.toml setup.py $(wildcard src/crossroads/sources/mrt/_cwalk*)
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	@# an editable install compiles no bytecode: compiled now, a fresh process (or one
	@# under PYTHONDONTWRITEBYTECODE) does not compile ~200 modules at start (0.2 s)
	$(BIN)/python -m compileall -q src > /dev/null
	touch $@

## The main job: load the data and write the Kazakhstan report to out/.
run report: $(BIN)/crossroads
	@bash scripts/system-deps.sh report
	$(BIN)/crossroads fetch $(if $(MIRROR),--mirror $(MIRROR))
	mkdir -p out
	$(BIN)/crossroads profile KZ
	$(BIN)/crossroads report KZ --out out/kz-report.html --pdf out/kz-report.pdf \
		--scenarios kz-russia-transit-loss --scenarios kz-trans-caspian-link

## Set up and run the whole test suite (installs the system peers tests use).
test: system-deps $(BIN)/crossroads
	$(BIN)/python -m pytest -q

system-deps:
	@bash scripts/system-deps.sh test

lint: $(BIN)/crossroads
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

## Regenerate the synopses of docs/cli/ from --help, then check the docs.
docs: $(BIN)/crossroads
	$(BIN)/python -m crossroads.cli._docs docs/cli
	$(BIN)/python -m pytest -q tests/test_docs.py

bench: $(BIN)/crossroads
	$(BIN)/pip install -q -e '.[test,bench]'
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .data out
