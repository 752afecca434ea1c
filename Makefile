# Two commands do all the set-up on a fresh machine (Python 3.11+, make, git):
#   make run   - install, migrate, load demo data, start web + Celery worker/beat
#   make test  - install the dev dependencies and run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install lint format bench clean axe

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the lock changes.
$(STAMP): $(BIN)/python requirements/dev.txt requirements/base.txt
	$(BIN)/python -m pip install --quiet -r requirements/dev.txt
	touch $(STAMP)

install: $(STAMP)

run: export DEBUG = 1
run: export ITSM_CLIENT_NAME ?= 广州市示范局（演示）
run: install
	mkdir -p var
	$(BIN)/python manage.py compiletranslations
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py rundev

test: install
	$(BIN)/python manage.py compiletranslations --settings=itsm.settings_test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# axe-core for the accessibility tests, vendored from the npm registry (tests/a11y/vendor/README.md).
AXE_VERSION ?= 4.14.1
axe:
	rm -rf var/axe && mkdir -p var/axe
	cd var/axe && npm pack --silent axe-core@$(AXE_VERSION) && tar xzf axe-core-$(AXE_VERSION).tgz
	cp var/axe/package/axe.min.js var/axe/package/LICENSE tests/a11y/vendor/
	rm -rf var/axe

clean:
	rm -rf var/celery var/test
