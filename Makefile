# The two commands in the README: `make demo` (set up, then render the demo meme) and `make test`.
# One virtual environment, .venv, installed in two steps: `make demo` needs only the weight-free base (no torch);
# `make test` adds the test extra (torch, safetensors and the test tools). Each step leaves a stamp, so `make demo`
# after `make test` installs nothing, and a changed pyproject.toml reinstalls.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
BASE := $(VENV)/.installed-base
FULL := $(VENV)/.installed-test

.PHONY: setup setup-demo demo lint test bench catalogue clean

setup: $(FULL)

setup-demo: $(BASE)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(BASE): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

# The test extra includes the base, so it stands for both stamps. MediaPipe, the landmark tests' independent judge,
# goes in without its declared dependencies: it asks for numpy<2 and opencv-contrib, yet runs on this numpy and the
# base's opencv; what it imports besides is listed here.
JUDGE := mediapipe==0.10.21 absl-py flatbuffers 'protobuf>=4.25,<5' matplotlib contourpy cycler fonttools \
	kiwisolver pyparsing python-dateutil six
$(FULL): pyproject.toml Makefile | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	$(BIN)/pip install -q --no-deps $(JUDGE)
	touch $@ $(BASE)

demo: $(BASE)
	$(BIN)/memebot render --backend landmarks --template demo --image templates/demo-singer.png --out meme.mp4

# ruff and mypy come with the test extra; both read their settings from pyproject.toml.
lint: $(FULL)
	$(BIN)/ruff check bot inference
	$(BIN)/mypy

test: $(FULL)
	$(BIN)/pytest -q

# The message catalogue (README, Languages): every marked text into bot/locales/memebot.pot, new msgids into each
# language's .po (translate them there), then the .mo files the bot reads. Inference's photo errors reach users.
CATALOGUE := bot/locales
catalogue: $(FULL)
	$(BIN)/pybabel extract --project memebot --no-location --sort-output -k N_ -k InputError -o $(CATALOGUE)/memebot.pot \
		bot inference/face.py inference/image_io.py
	$(BIN)/pybabel update --no-fuzzy-matching -i $(CATALOGUE)/memebot.pot -d $(CATALOGUE) -D memebot
	$(BIN)/pybabel compile --statistics -d $(CATALOGUE) -D memebot

bench: $(FULL)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache
