# The two commands in the README: `make view` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: view test js lint fmt readme bench chromium java virtuoso clean

$(STAMP): pyproject.toml
	@echo "[setup 1/3] creating $(VENV) (a Python environment for this project)"
	$(PYTHON) -m venv $(VENV)
	@echo "[setup 2/3] updating pip"
	$(BIN)/python -m pip install --quiet --upgrade pip
	@echo "[setup 3/3] installing cancer-spread and its packages into $(VENV) (about a minute the first time)"
	$(BIN)/python -m pip install --quiet --progress-bar on -e ".[test]"
	touch $(STAMP)

## view: build the graph, write the interactive viewer, answer an example question
view: $(STAMP)
	@echo "[view 1/3] building the graph into build/"
	$(BIN)/cancer-spread build -o build
	@echo "[view 2/3] writing the interactive viewer"
	$(BIN)/cancer-spread visualise -o build/cancer-spread.html
	@echo "[view 3/3] an example question: where does bowel cancer spread?"
	$(BIN)/cancer-spread sites "bowel cancer"
	@echo ""
	@echo "Open build/cancer-spread.html in a browser. Ask more with $(BIN)/cancer-spread --help"
	@echo "(or run 'source $(BIN)/activate' once, then just: cancer-spread sites breast)."

## test: lint, validate the data, check canonical Turtle, run the whole test suite
test: $(STAMP) chromium java virtuoso
	$(BIN)/ruff check src tests bench visualise.py
	$(BIN)/ruff format --check src tests bench visualise.py
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

## readme: regenerate the README's table of counts from the graph
readme: $(STAMP)
	$(BIN)/python scripts/update-readme

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build dist
