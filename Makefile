# The two commands in the README: `make view` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: view test lint fmt bench chromium virtuoso clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

## view: build the graph, write the interactive viewer, answer an example question
view: $(STAMP)
	$(BIN)/cancer-spread build -o build
	$(BIN)/cancer-spread visualise -o build/cancer-spread.html
	$(BIN)/cancer-spread sites "bowel cancer"

## test: lint, validate the data, check canonical Turtle, run the whole test suite
test: $(STAMP) chromium virtuoso
	$(BIN)/ruff check src tests bench visualise.py
	$(BIN)/cancer-spread validate
	$(BIN)/cancer-spread fmt --check
	$(BIN)/python -m pytest

chromium:
	@scripts/ensure-chromium

## virtuoso: Debian's Virtuoso for the real-store tests (they start it on a loopback port themselves)
virtuoso:
	@scripts/ensure-virtuoso

fmt: $(STAMP)
	$(BIN)/cancer-spread fmt
	$(BIN)/ruff format src tests bench visualise.py

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build dist
