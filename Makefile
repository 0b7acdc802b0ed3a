# AI Tool Verdicts. `make run` serves the site; `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Python 3.13 (3.12 where a machine lacks it), found on PATH; pyenv's shims honour .python-version.
PYTHON := $(shell for v in python3.13 python3.12; do $$v -c 'import sys; print(sys.executable)' 2>/dev/null && break; done)
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
# uv must use the interpreter above and never download one.
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

# `make test` talks to real services; .ci/run passes its own URLs.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/aitv
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: help run test check lint types format bench clean deploy-prepare web worker beat chromium proxies validators audit

help:
	@echo "make run    serve the site on http://127.0.0.1:8000 (SQLite, DEBUG on, demo content)"
	@echo "make test   every test, against Postgres and Redis (installs what is missing)"
	@echo "make check  the fast loop: lint, types, migrations, the in-process tests in parallel"
	@echo "make lint   ruff (check, format), django-upgrade, djlint's linter, import layers, mypy"
	@echo "make audit  Lighthouse, axe, SpamAssassin and caniemail, by hand: writes .audit/REPORT.md"

$(UV):
	@test -n "$(PYTHON)" || { echo "Python 3.13 or 3.12 is required (pyenv install 3.13)"; exit 1; }
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --compile-bytecode --python $(PYTHON)
	@touch $@

run: $(VENV)/.synced
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py seed_demo
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

# Install the Debian packages $(1), as root or with passwordless sudo (a shell command).
apt_install = if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $(1); \
	  else sudo -n apt-get update -qq && sudo -n apt-get install -y -qq $(1); fi

# Install the Debian package $(2) when the command $(1) is missing and we may (root, or sudo).
define debian_package
	@command -v $(1) >/dev/null 2>&1 || { $(call apt_install,$(2)); }
endef

# Browser tests drive Debian's Chromium.
chromium:
	$(call debian_package,chromium,chromium)

# The proxy tests run the Caddyfile with Debian's Caddy, and give gunicorn a throwaway
# certificate made with openssl; the cache tests run deploy/varnish/ with Debian's Varnish and
# varnish-modules (xkey), which has no command of its own to look for.
proxies:
	$(call debian_package,caddy,caddy)
	$(call debian_package,openssl,openssl)
	@dpkg -s varnish varnish-modules >/dev/null 2>&1 || { $(call apt_install,varnish varnish-modules); }

# The W3C Nu HTML Checker, npm's vnu-jar (a Java program), kept in .tools/vnu.
VNU_VERSION := 26.9.27
VNU_JAR := $(TOOLS)/vnu/node_modules/vnu-jar/build/dist/vnu.jar

$(VNU_JAR):
	$(call debian_package,java,default-jre-headless)
	$(call debian_package,npm,npm)
	npm install --prefix $(TOOLS)/vnu --no-audit --no-fund --loglevel=error vnu-jar@$(VNU_VERSION)
	@touch $@

validators: $(VNU_JAR)

# Postgres and Redis for the tests: DATABASE_URL and REDIS_URL when given (as .ci/run gives
# them), else the defaults above when they answer, else private servers on free ports (Debian's
# postgresql and redis-server, installed when missing), removed afterwards
# (tests/private_services.py).
export TEST_DATABASE_URL TEST_REDIS_URL
# Python keeps compiled modules, and pytest its assertion-rewritten test modules, in __pycache__
# (ignored by git) even where the environment turns that off: otherwise every pytest process
# compiles and rewrites every module again, some seconds each before the first test runs.
unexport PYTHONDONTWRITEBYTECODE
TEST_SECRET_KEY := test-only-secret-key-not-for-production-use-0123456789
PRIVATE_SERVICES := $(PY) -m tests.private_services
PYTEST = private="$$($(PRIVATE_SERVICES) plan)" && \
	packages="$$($(PRIVATE_SERVICES) packages $$private)" && \
	if [ -n "$$packages" ]; then $(call apt_install,$$packages); fi && \
	SECRET_KEY=$${SECRET_KEY:-$(TEST_SECRET_KEY)} \
	$(PRIVATE_SERVICES) run --private "$$private" -- $(PY) -m pytest

test: $(VENV)/.synced chromium proxies validators
	$(PYTEST) $(PYTEST_ARGS)

# The fast loop: everything `make lint` checks, migrations in step with the models, and every
# test that runs inside pytest's own processes (not the browser, `processes` or `slow` ones),
# spread over the machine's cores by pytest-xdist (each worker has its own test database and
# Redis key prefix). Two workers more than cores: the tests wait on Postgres much of the time
# (1,222 tests on 2 cores: 4 workers 1m51s, 3 workers 1m58s).
CHECK_WORKERS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 1) + 2 )))
check: lint
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	$(PYTEST) -m "not browser and not processes and not slow" -n $(CHECK_WORKERS) $(PYTEST_ARGS)

# The production processes, as docker-compose.yml runs them (tests keep the two in step).
deploy-prepare: $(VENV)/.synced
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput

web: $(VENV)/.synced
	$(VENV)/bin/gunicorn compsite.wsgi --config gunicorn.conf.py

worker: $(VENV)/.synced
	$(VENV)/bin/celery -A compsite worker --loglevel=INFO

beat: $(VENV)/.synced
	$(VENV)/bin/celery -A compsite beat --loglevel=INFO --schedule /tmp/celerybeat-schedule

# The benchmark (not part of `make test`): writes bench/RESULTS.md, then bench/SCALE.md.
bench: $(VENV)/.synced proxies
	$(call debian_package,wrk,wrk)
	$(PY) -m bench.run
	$(PY) -m bench.scale

# Each page's cache-miss cost at 200, 5,000 and 50,000 tools, in a database of its own: writes
# bench/SCALE.md (also the last step of `make bench`).
.PHONY: bench-scale
bench-scale: $(VENV)/.synced
	$(PY) -m bench.scale

# The admin at directory scale (not part of `make bench`): loads 10 million votes and deliveries
# and a million subscribers into a database of its own, writes bench/ADMIN.md, drops it.
.PHONY: bench-admin
bench-admin: $(VENV)/.synced
	$(PY) -m bench.admin

# The audit (by hand, not part of `make test`; docs/development.md): Lighthouse and axe on the main
# pages, SpamAssassin and caniemail (doiuse-email) on each email, against the site served with
# DEBUG off behind Caddy. Writes .audit/REPORT.md. It owns its database (created when missing,
# migrated and seeded) and empties its Redis database first.
AUDIT_NPM := lighthouse@12.8.2 axe-core@4.14.1 doiuse-email@0.4.1
empty :=
AUDIT_STAMP := $(TOOLS)/audit/node_modules/.installed-$(subst $(empty) $(empty),+,$(subst @,-,$(AUDIT_NPM)))
AUDIT_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/aitv_audit
AUDIT_REDIS_URL ?= redis://127.0.0.1:6379/10

$(AUDIT_STAMP):
	$(call debian_package,npm,npm)
	npm install --prefix $(TOOLS)/audit --no-audit --no-fund --loglevel=error $(AUDIT_NPM)
	@touch $@

audit: $(VENV)/.synced chromium $(AUDIT_STAMP)
	$(call debian_package,caddy,caddy)
	$(call debian_package,spamassassin,spamassassin)
	DATABASE_URL=$(AUDIT_DATABASE_URL) REDIS_URL=$(AUDIT_REDIS_URL) \
	  SECRET_KEY=$${SECRET_KEY:-$(TEST_SECRET_KEY)} $(PY) -m audit.run

lint: $(VENV)/.synced
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	git ls-files -z '*.py' | xargs -0 $(VENV)/bin/django-upgrade --target-version 6.1 --skip default_auto_field --check
	$(VENV)/bin/djlint --lint templates
	$(VENV)/bin/lint-imports
	$(MAKE) --no-print-directory types

# mypy with django-stubs (pyproject.toml's [tool.mypy]); the plugin loads the settings.
types: $(VENV)/.synced
	DEBUG=1 $(VENV)/bin/mypy

format: $(VENV)/.synced
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) $(TOOLS) staticfiles db.sqlite3
