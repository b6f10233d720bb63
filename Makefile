# The two commands in the README: `make demo` (set up, then render the demo meme) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup demo test bench clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

demo: setup
	$(BIN)/memebot render --template demo --image templates/demo-singer.png --out meme.mp4

test: setup
	$(BIN)/pytest -q

bench: setup
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache
