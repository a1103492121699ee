# The README's two commands: `make demo` (build and serve on the embedded default) and `make test`;
# `make lint` is the gate CI runs before the tests (ruff, then mypy on the core packages).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOME_DIR ?= var

.PHONY: demo test lint bench docs translations clean native native-clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(MAKE) native
	touch $(STAMP)

# The gate's search compiled with mypyc (src/iceledger/publish/native.py): used only while it matches its sources;
# without a C compiler the build fails and the sources are used, so the install goes on.
native:
	-$(BIN)/python -c "import sys; from iceledger.publish import native; sys.exit(native.main(['build']))"

native-clean:
	$(BIN)/python -c "from iceledger.publish import native; native.main(['clean'])"

demo: $(STAMP)
	$(BIN)/iceledger demo --home $(HOME_DIR)

test: $(STAMP)
	$(BIN)/python -m pytest

# ruff's rules and mypy's packages are configured in pyproject.toml; no formatter is enforced.
lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

docs: $(STAMP)
	$(BIN)/python -m iceledger.docsgen

# Re-extract the dashboard's strings (and the code lists' labels: web/babel.cfg) and merge them into the .po catalogues (translate new ones by hand).
# The .po files are read at start-up (compiled in memory), so there is no .mo to build.
WEB := src/iceledger/web
translations: $(STAMP)
	$(BIN)/pybabel extract -F $(WEB)/babel.cfg -k N_ --no-location --sort-output -o $(WEB)/translations/messages.pot $(WEB)
	$(BIN)/pybabel update -i $(WEB)/translations/messages.pot -d $(WEB)/translations --no-fuzzy-matching --ignore-obsolete --width 100

bench: $(STAMP)
	$(BIN)/python bench/ingest.py

clean:
	rm -rf $(VENV) $(HOME_DIR) build *.egg-info
