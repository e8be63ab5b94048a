# The README's commands. Each target creates the virtual environment on first use.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install demo test lint bench clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[all,dev]'
	touch $(STAMP)

install: $(STAMP)

# The main job on the bundled samples: convert every partner workbook in samples/ (check, HTML and Word annex,
# one filled mandate per organisation) into out/, with out/summary.xlsx and out/summary.csv.
demo: $(STAMP)
	@$(BIN)/ka2forms convert samples -o out --format html,docx \
	  --form samples/forms/partner-mandate.pdf --map samples/forms/partner-mandate.map.yaml; code=$$?; \
	  if [ $$code -ne 0 ]; then echo "demo failed (exit $$code)"; exit $$code; fi; \
	  echo "demo done: see out/summary.xlsx and out/<workbook>/"

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check ka2forms tests scripts addin bench

bench: $(STAMP)
	@for b in bench/bench_*.py; do [ -e "$$b" ] && $(BIN)/python $$b; done; true

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache out
