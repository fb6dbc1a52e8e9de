# Two commands set everything up: `make run` (the bot; with no token, the local console on
# ./data/dondoc.sqlite3) and `make test` (lint and the whole suite). Both create .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test bench lint catalogs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m compileall -q dondoc
	touch $(STAMP)

# Byte-compiled once here (a no-op when current), so each start does not recompile the package, even
# where PYTHONDONTWRITEBYTECODE is set.
run: $(STAMP)
	$(BIN)/python -m compileall -q dondoc
	$(BIN)/dondoc run

test: $(STAMP)
	$(BIN)/ruff check dondoc tests bench
	$(BIN)/mypy
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python bench/bench_handlers.py
	$(BIN)/python bench/bench_sweep.py
	$(BIN)/python bench/bench_telegram.py
	$(BIN)/python bench/bench_broadcast.py
	$(BIN)/python bench/bench_questions.py
	$(BIN)/python bench/bench_export.py
	$(BIN)/python bench/bench_summary.py
	$(BIN)/python bench/bench_startup.py

catalogs: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -o dondoc/locales/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i dondoc/locales/messages.pot -d dondoc/locales --no-fuzzy-matching --ignore-obsolete

clean:
	rm -rf $(VENV) build *.egg-info
