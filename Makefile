# Two commands: `make run` (set up and serve with demo content), `make test` (the whole suite).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
export FLASK_APP := wsgi.py

.PHONY: run test install db demo clean

# A virtualenv with requirements.txt installed; redone when requirements.txt changes.
$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

db: install
	$(BIN)/flask db upgrade

demo: db
	$(BIN)/flask seed-demo

run: demo
	$(BIN)/python wsgi.py

test: install
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) instance .pytest_cache test-artifacts
