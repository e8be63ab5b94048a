# The README's commands. Each target creates the virtual environment on first use.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install demo test lint bench clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The main job on the bundled samples: check every partner workbook (exit 1 = a sample is, rightly, not eligible).
demo: $(STAMP)
	@$(BIN)/ka2forms check samples/*.xlsx; code=$$?; \
	  if [ $$code -gt 1 ]; then echo "demo failed (exit $$code)"; exit $$code; fi; \
	  echo "demo done: every sample workbook checked"

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check ka2forms tests scripts addin bench

bench: $(STAMP)
	@for b in bench/bench_*.py; do [ -e "$$b" ] && $(BIN)/python $$b; done; true

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache out
