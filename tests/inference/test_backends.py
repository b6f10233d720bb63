"""Choosing a backend: FOMM needs its extra (torch, safetensors) only where it is built."""
import sys
from pathlib import Path

import pytest

from inference.backends import FOMM_EXTRA_HELP, BackendUnavailable, build_animator, choose_backend
from inference.errors import InputError

CHECKPOINT = Path("vox-adv-cpk.pth.tar")


@pytest.fixture(params=["torch", "safetensors"])
def without_fomm_packages(request, monkeypatch):
    """One of FOMM's packages missing, as in a base install (None in sys.modules: it cannot be found or imported)."""
    monkeypatch.setitem(sys.modules, request.param, None)


def test_without_torch_fomm_is_unavailable_where_it_would_run(without_fomm_packages):
    for requested, checkpoint in (("fomm", CHECKPOINT), ("fomm", None), (None, CHECKPOINT)):
        with pytest.raises(BackendUnavailable) as raised:
            choose_backend(requested, checkpoint, runs_here=True)
        assert str(raised.value) == FOMM_EXTRA_HELP == "the FOMM backend needs 'pip install memebot[fomm]'"
    with pytest.raises(BackendUnavailable, match=r"^the FOMM backend needs 'pip install memebot\[fomm\]'$"):
        build_animator("fomm", CHECKPOINT)


def test_without_torch_the_landmarks_backend_and_a_clusters_bot_go_on(without_fomm_packages):
    assert choose_backend(None, None, runs_here=True) == "landmarks"
    assert build_animator("landmarks").backend == "landmarks"
    # A cluster's bot only names the backend its workers run: it needs no torch.
    assert choose_backend(None, CHECKPOINT) == "fomm"


def test_fomm_without_a_checkpoint_is_told_so():
    """Where FOMM would not run here (a cluster's bot) the checkpoint is still needed; with torch, see test_render."""
    with pytest.raises(BackendUnavailable, match="no FOMM checkpoint is configured"):
        choose_backend("fomm", None)


def test_an_unknown_dtype_is_told_before_any_loading():
    with pytest.raises(InputError, match="unknown dtype 'fp8'"):
        build_animator("fomm", CHECKPOINT, dtype="fp8")  # the checkpoint does not exist: it is not read
