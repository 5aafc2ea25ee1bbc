# Bình Yên: the two commands a newcomer needs are `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test install lint ci clean prod-check

demo: install
	$(BIN)/binhyen demo

# The tests run on every core (pytest-xdist); the tests of the shared demo stay together on one
# worker (conftest.py). `make test PYTEST_WORKERS=0` runs them in one process.
PYTEST_WORKERS ?= auto

test: install
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

install: $(STAMP)

$(STAMP): pyproject.toml requirements.lock package.json package-lock.json
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	npm ci --no-audit --no-fund --loglevel=error
	$(BIN)/binhyen compile-translations
	touch $(STAMP)

# The code's own rules: ruff's checks and formatting, and the layers (import-linter, the
# [tool.importlinter] contract in pyproject.toml): nothing imports upwards.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# The production profile on this machine (README "Chạy thật"): two gunicorn servers, a worker
# and the scheduler on a fresh PostgreSQL database and Redis, the demo, a smoke crawl and a
# backup/restore round trip; it stops what it started and drops its databases.
prod-check: install
	deploy/prod-check

clean:
	rm -rf $(VENV) node_modules staticfiles
