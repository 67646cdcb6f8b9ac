# The two commands in the README: `make view` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: view test js lint fmt bench chromium java virtuoso clean

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
test: $(STAMP) chromium java virtuoso
	$(BIN)/ruff check src tests bench visualise.py
	$(BIN)/cancer-spread validate
	$(BIN)/cancer-spread fmt --check
	$(MAKE) --no-print-directory js
	$(BIN)/python -m pytest

## js: syntax-check the viewer's JavaScript and run its unit tests (Node's built-in runner)
js:
	@for f in src/cancer_spread/viewer/*.js; do node --check "$$f" || exit 1; done
	node --test tests/js/

chromium:
	@scripts/ensure-chromium

java:
	@scripts/ensure-java

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
