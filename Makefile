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

# The tests also run the evaluation models on Apache Spark: the `spark` extra (pyspark, a few
# hundred MB) is installed for them and left out of the demo.
$(BIN)/.installed-spark: $(BIN)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev,spark]'
	touch $@

demo: $(BIN)/.installed
	scripts/ensure-system-packages demo
	$(BIN)/xinyong demo --port $(PORT)

test: $(BIN)/.installed-spark
	scripts/ensure-system-packages test
	$(MAKE) lint typecheck pytest

lint: $(BIN)/.installed
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(BIN)/.installed
	$(BIN)/mypy

pytest: $(BIN)/.installed-spark
	$(BIN)/pytest

# Regenerate the compiled translations after editing a .po file.
messages: $(BIN)/.installed
	cd src/xinyong && XINYONG_VAR_DIR=$(CURDIR)/var ../../$(BIN)/xinyong makemessages -l en --no-obsolete --ignore "migrations/*" && XINYONG_VAR_DIR=$(CURDIR)/var ../../$(BIN)/xinyong compilemessages
