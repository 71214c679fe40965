# Two commands: `make demo` and `make test`. Everything else they need, they install.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
# The bundled sample feeds are dated in the week of 23 November 2026; gather
# from then on, so the demo finds them whatever week it is run in.
DEMO_SINCE := 2026-11-23

.PHONY: demo test fuzz serve build bench publish-check screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@ $(VENV)/.installed

# The browser, validator and feed-reader the site's tests use (see the script).
node_modules/.installed: package.json scripts/install-test-tools
	scripts/install-test-tools
	mkdir -p node_modules && touch $@

demo: $(VENV)/.installed
	$(BIN)/lamplighter gather -s democonf.py --since $(DEMO_SINCE)
	$(BIN)/pelican -s pelicanconf.py
	@echo
	@echo "The draft is in content/issues/ and the site in output/."
	@echo "Preview it with: make serve   (then open http://127.0.0.1:$(PORT)/)"

build: $(VENV)/.installed
	$(BIN)/pelican -s pelicanconf.py

serve: $(VENV)/.installed
	$(BIN)/pelican --listen --bind 127.0.0.1 --port $(PORT) -s pelicanconf.py

# The tests of the built site use the browser, validator and feed reader installed here.
test: $(VENV)/.installed-test node_modules/.installed
	$(BIN)/python -m pytest

# The draft's state machine for 5,000 steps (make test runs a few hundred).
fuzz: $(VENV)/.installed-test
	DRAFT_MACHINE_PROFILE=fuzz $(BIN)/python -m pytest -p no:cacheprovider tests/test_draft_machine.py

# The benchmark's own environment: the reference it measures gathering against (reader).
.venv-bench/.installed: bench/requirements-reference.txt
	$(PYTHON) -m venv .venv-bench
	.venv-bench/bin/python -m pip install --quiet --disable-pip-version-check -r bench/requirements-reference.txt
	touch $@

# Hugo, the build benchmark's reference (see the script).
bench: $(VENV)/.installed .venv-bench/.installed
	scripts/install-bench-tools
	$(BIN)/python bench/run.py

publish-check: $(VENV)/.installed node_modules/.installed
	scripts/publish-check

screenshots: $(VENV)/.installed-test node_modules/.installed
	$(BIN)/python docs/screenshots.py

clean:
	rm -rf output .pytest_cache
