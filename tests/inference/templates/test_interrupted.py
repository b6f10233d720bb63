"""Ingests that stop half-way (Ctrl-C, a shutdown, kill -9) leave no template, no temp folder, no ffmpeg behind."""
from __future__ import annotations

import os
import shutil
import time

import pytest

from inference.templates import TemplateLibrary, TemplateNotFound
from inference.templates.ingest import ingest
from inference.templates.folders import STALE_WORK_SECONDS, sweep_stale_work
from tests.inference.templates import clips


def _stop_at(stage_prefix: str, fraction: float):
    def progress(stage: str, done: float) -> None:
        if stage.startswith(stage_prefix) and done >= fraction:
            raise KeyboardInterrupt
    return progress


@pytest.mark.parametrize("stage", ["tracking", "cropping"])
def test_interrupted_ingest_leaves_nothing(tmp_path, silent_clip, stage):
    library = tmp_path / "library"
    before = clips.ffmpeg_children()
    with pytest.raises(KeyboardInterrupt) as interrupted:
        ingest(silent_clip, library / "cut", "cut", progress=_stop_at(stage, 0.5))
    assert not (library / "cut").exists()
    assert not library.exists() or os.listdir(library) == []  # no hidden work folder either
    # While the traceback is still held (as a crash reporter would), no decoder or encoder may be left running.
    assert interrupted.traceback and clips.ffmpeg_children() - before == set()


def test_interrupted_replace_keeps_the_old_template(tmp_path, silent_clip):
    old = ingest(silent_clip, tmp_path / "library" / "song", "song", title="Old")
    with pytest.raises(KeyboardInterrupt):
        ingest(silent_clip, old.folder, "song", title="New", progress=_stop_at("cropping", 0.9))
    assert TemplateLibrary(tmp_path / "library", shipped_dir=tmp_path / "none").get("song").meta.title == "Old"
    assert os.listdir(tmp_path / "library") == ["song"]


def test_library_ignores_the_folder_a_killed_ingest_left(tmp_path, moving_template):
    """kill -9 runs no cleanup: the hidden work folder stays, complete or not, and is no template."""
    added = tmp_path / "added"
    shutil.copytree(moving_template.template.folder, added / ".singer.building-k9x2ab")
    library = TemplateLibrary(added, shipped_dir=tmp_path / "none")
    assert library.list() == []
    with pytest.raises(TemplateNotFound, match="Available: none yet"):
        library.get("singer")


def _aged(folder, seconds: float):
    folder.mkdir(parents=True)
    (folder / "driving.mp4").write_bytes(b"partial")
    stamp = time.time() - seconds
    os.utime(folder, (stamp, stamp))
    return folder


def test_sweep_removes_only_work_folders_older_than_the_limit(tmp_path):
    added = tmp_path / "added"
    killed = _aged(added / ".singer.building-old123", STALE_WORK_SECONDS + 60)
    replaced = _aged(added / ".singer.replaced-old456", STALE_WORK_SECONDS + 60)
    running = _aged(added / ".singer.building-new789", STALE_WORK_SECONDS / 2)  # another process may be ingesting
    unrelated = _aged(added / ".git", STALE_WORK_SECONDS * 10)
    template = _aged(added / "old-song", STALE_WORK_SECONDS * 10)
    assert sorted(sweep_stale_work(added)) == sorted([killed, replaced])
    assert sorted(os.listdir(added)) == sorted(p.name for p in (running, unrelated, template))
    assert TemplateLibrary(added).sweep() == []  # the library's sweep: nothing old is left


def test_sweep_of_a_folder_that_does_not_exist_yet(tmp_path):
    assert sweep_stale_work(tmp_path / "missing") == []
