# Everyday commands. `make run` and `make test` work on a fresh machine with Python 3.11+.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=
BENCH_ARGS ?=
BENCH ?= channel_posts

.PHONY: run test lint fmt migrate pin clean bench bench-ws bench-rest

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime $@

## Serve HTTP and the WebSocket on 127.0.0.1:8065 (SQLite under ./data unless DATABASE_URL is set).
run: $(VENV)/.runtime
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/gunicorn --config mattermost_py/gunicorn.conf.py

NODE_CLIENTS := tests/clients/node

# The official JavaScript client for the Client4 tests (skipped when npm is missing).
$(NODE_CLIENTS)/node_modules/.package-lock.json: $(NODE_CLIENTS)/package-lock.json
	if command -v npm >/dev/null; then npm ci --prefix $(NODE_CLIENTS) --no-audit --no-fund --loglevel=error; fi

## Run the whole test suite (against DATABASE_URL when set, else SQLite).
test: $(VENV)/.dev $(NODE_CLIENTS)/node_modules/.package-lock.json
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

fmt: $(VENV)/.dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Time reading a channel of 100k posts (see bench/README.md); BENCH_ARGS="--posts 20000",
## BENCH=search_posts to time searching it instead.
bench: $(VENV)/.runtime
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python bench/$(BENCH).py $(BENCH_ARGS)

## 1,000 idle WebSockets and a posting load: memory per socket, delivery latency.
bench-ws: $(VENV)/.runtime
	$(BIN)/python bench/websocket.py $(BENCH_ARGS)

## REST throughput of the server's ASGI workers against gunicorn's threaded workers.
bench-rest: $(VENV)/.runtime
	$(BIN)/python bench/rest_load.py $(BENCH_ARGS)

migrate: $(VENV)/.runtime
	$(BIN)/python manage.py migrate

## Re-pin requirements*.txt after changing dependencies in pyproject.toml.
pin:
	$(PYTHON) scripts/pin_requirements.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .mypy_cache .ruff_cache
