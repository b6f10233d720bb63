"""The library of shipped and added templates, and the content cache for raw driving clips."""
from __future__ import annotations

import os
import shutil
import time

import pytest

from inference.errors import InputError
from inference.templates import TemplateLibrary, TemplateNotFound, clip_template
from inference.templates.folders import STALE_WORK_SECONDS
from synth.face import Pose
from tests.inference.templates import clips


@pytest.fixture
def library(tmp_path, shipped_templates) -> TemplateLibrary:
    """The repository's shipped templates (demo) plus an empty admins' folder."""
    return TemplateLibrary(tmp_path / "added", shipped_templates)


@pytest.fixture
def with_singer(library, moving_template) -> TemplateLibrary:
    """The library with the session's ingested 'singer' template copied into the admins' folder."""
    shutil.copytree(moving_template.template.folder, library.added_dir / "singer")
    return library


def _never(stage: str, fraction: float) -> None:
    raise AssertionError(f"ingest started ({stage}) although the name is taken")


def test_lists_shipped_and_added_templates_by_name(with_singer, shipped_templates):
    assert [t.slug for t in with_singer.list()] == ["demo", "singer"]
    assert with_singer.get("demo").folder == shipped_templates / "demo"
    assert with_singer.get("singer").meta.title == "The Singer"
    assert with_singer.get("singer").landmarks().shape == (40, 68, 2)


def test_unknown_name_lists_the_available_ones(with_singer, tmp_path):
    with pytest.raises(TemplateNotFound) as missing:
        with_singer.get("baka-mitai")
    assert str(missing.value) == "There is no template called 'baka-mitai'. Available: demo, singer."
    assert isinstance(missing.value, InputError)  # shown to the user as it is
    with pytest.raises(TemplateNotFound, match=r"^There is no template called 'demo'\. Available: none yet\.$"):
        TemplateLibrary(tmp_path / "empty", shipped_dir=tmp_path / "none").get("demo")


def test_remove_deletes_an_added_template(with_singer):
    folder = with_singer.get("singer").folder
    with_singer.remove("singer")
    assert not folder.exists() and os.listdir(with_singer.added_dir) == []
    assert [t.slug for t in with_singer.list()] == ["demo"]
    with pytest.raises(TemplateNotFound):
        with_singer.remove("singer")


def test_shipped_templates_cannot_be_removed(library, shipped_templates):
    with pytest.raises(InputError, match=r"^'demo' ships with memebot and cannot be removed\.$"):
        library.remove("demo")
    assert (shipped_templates / "demo" / "template.json").is_file()


@pytest.mark.parametrize("taken", ["demo", "singer"])
def test_a_taken_name_is_refused_before_any_work(with_singer, silent_clip, taken):
    with pytest.raises(InputError, match=rf"^A template called '{taken}' exists already; pick another name or replace it\.$"):
        with_singer.add(taken, silent_clip, progress=_never)
    assert [t.slug for t in with_singer.list()] == ["demo", "singer"]
    assert with_singer.get(taken).meta.title != "Silent"


def test_add_with_an_invalid_name_is_refused(library, silent_clip):
    with pytest.raises(InputError, match="not a valid template name"):
        library.add("Bad/Name", silent_clip, progress=_never)


def test_replace_swaps_the_template_and_sweeps_stale_work(with_singer, silent_clip):
    stale = with_singer.added_dir / ".singer.building-killed"
    stale.mkdir()
    stamp = time.time() - STALE_WORK_SECONDS - 60
    os.utime(stale, (stamp, stamp))
    replaced = with_singer.add("singer", silent_clip, replace=True, title="Quieter", added_by="admin:7")
    assert (replaced.meta.title, replaced.meta.has_audio, replaced.frame_count) == ("Quieter", False, 25)
    assert with_singer.get("singer").meta.added_by == "admin:7"
    assert sorted(os.listdir(with_singer.added_dir)) == ["singer"]


def test_a_shipped_name_is_overridden_only_when_asked_and_comes_back_on_remove(library, silent_clip, shipped_templates):
    override = library.add("demo", silent_clip, replace=True, title="Our Demo")
    assert library.get("demo").folder == override.folder == library.added_dir / "demo"
    assert library.get("demo").meta.title == "Our Demo"
    library.remove("demo")
    assert library.get("demo").folder == shipped_templates / "demo"


def test_clip_template_is_cached_by_content(tmp_path, silent_clip):
    cache = tmp_path / "cache"
    stages = []
    first = clip_template(silent_clip, cache, progress=lambda stage, fraction: stages.append(stage))
    assert stages and first.slug.startswith("clip-") and first.meta.title == "silent"
    assert first.frame_count == 25 and first.folder.parent == cache
    built = first.folder.stat().st_mtime_ns

    copy = tmp_path / "forwarded.mp4"  # the same bytes under another name: the same template
    shutil.copyfile(silent_clip, copy)
    stages.clear()
    again = clip_template(copy, cache, progress=lambda stage, fraction: stages.append(stage))
    assert stages == [] and again.folder == first.folder and again.folder.stat().st_mtime_ns == built
    assert os.listdir(cache) == [first.slug]

    frames = clips.posed_frames(lambda t: Pose(mouth_open=0.4), 1.2, 25.0, (160, 160))
    other = clips.write_clip(tmp_path / "other.mp4", frames, 25.0)
    different = clip_template(other, cache, title="Other clip")
    assert different.slug != first.slug and different.meta.title == "Other clip" and different.frame_count == 30


def test_a_damaged_template_is_skipped_without_hiding_the_others(tmp_path, shipped_templates, caplog):
    from inference.templates import TemplateLibrary

    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "template.json").write_text("{not json")
    library = TemplateLibrary(tmp_path, shipped_dir=shipped_templates)
    assert [t.slug for t in library.list()] == ["demo"]
    assert "skipping template broken" in caplog.text
