# The two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
BIN := $(VENV)/bin

.PHONY: demo test lint typecheck pytest messages

$(BIN)/.installed: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $@

demo: $(BIN)/.installed
	scripts/ensure-system-packages demo
	$(BIN)/xinyong demo --port $(PORT)

test: $(BIN)/.installed
	scripts/ensure-system-packages test
	$(MAKE) lint typecheck pytest

lint: $(BIN)/.installed
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(BIN)/.installed
	$(BIN)/mypy

pytest: $(BIN)/.installed
	$(BIN)/pytest

# Regenerate the compiled translations after editing a .po file.
messages: $(BIN)/.installed
	cd src/xinyong && XINYONG_VAR_DIR=$(CURDIR)/var ../../$(BIN)/xinyong makemessages -l en --no-obsolete --ignore "migrations/*" && XINYONG_VAR_DIR=$(CURDIR)/var ../../$(BIN)/xinyong compilemessages
