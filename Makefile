# Newsdesk: `make run` starts the app with its demo story; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install run test lint typecheck clean

install: $(STAMP)

# CPU torch first: a plain torch requirement would pull gigabytes of CUDA packages.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: install
	$(PY) -m newsdesk.launcher

# A throwaway data folder with its own embedded PostgreSQL and Redis, stopped afterwards.
test: install
	@data=$$(mktemp -d /tmp/newsdesk-test.XXXXXX); \
	trap '$(PY) -m newsdesk.embedded stop "'"$$data"'"; rm -rf "'"$$data"'"' EXIT; \
	NEWSDESK_DATA_DIR="$$data" HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 \
	XDG_CACHE_HOME="$$data/cache" $(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install
	$(VENV)/bin/mypy claims newsdesk

clean:
	rm -rf $(VENV) staticfiles .mypy_cache .ruff_cache .pytest_cache
