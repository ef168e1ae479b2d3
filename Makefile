# Footfall: every entry point. `make test` and `make demo` build .venv/ themselves.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
FOOTFALL := $(VENV)/bin/footfall
DEMO_TRACE := demo/sample_run.fft

.PHONY: all venv test test-python demo bench clean

all: test

$(VENV)/.installed: host/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e 'host[test]'
	touch $@

venv: $(VENV)/.installed

test: test-python

test-python: venv
	$(PY) -m pytest -q -n 2 tests

$(DEMO_TRACE): | venv
	$(FOOTFALL) simulate --out $(DEMO_TRACE) --minutes 3 --seed 1

demo: venv $(DEMO_TRACE)
	$(FOOTFALL) replay $(DEMO_TRACE) --summary-only

bench: venv
	$(PY) -m footfall.bench

clean:
	rm -rf $(VENV) demo/*.fft .pytest_cache
