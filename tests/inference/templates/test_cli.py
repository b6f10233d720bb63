"""`memebot template add|list|show|remove` as an admin types them: printed lines and exit statuses."""
from __future__ import annotations

import pytest

from bot.cli import main


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("MEMEBOT_DATA_DIR", str(tmp_path / "data"))
    for name in ("MEMEBOT_TEMPLATES_DIR", "MEMEBOT_TEMPLATE_DIRS", "MEMEBOT_MAX_TEMPLATE_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "data"


def _lines(text: str) -> list[str]:
    return text.splitlines()


def test_add_list_show_remove(data_dir, moving_clip, capsys):
    assert main(["template", "add", "singer", str(moving_clip), "--title", "The Singer", "--start", "0.4", "--end", "1.4",
                 "--credits", "drawn by synth", "--licence", "MIT"]) == 0
    out, err = capsys.readouterr()
    assert out == "added singer: The Singer, 1.0 s, 25 frames\n" and err == ""
    folder = data_dir / "templates" / "singer"
    assert (folder / "template.json").is_file()

    assert main(["template", "list"]) == 0
    assert _lines(capsys.readouterr().out) == [
        f"{'demo':24}   7.2 s  Demo Song (synthesised)",
        f"{'singer':24}   1.0 s  The Singer",
    ]

    assert main(["template", "show", "singer"]) == 0
    shown = {key: value.strip() for key, _, value in (line.partition(" ") for line in _lines(capsys.readouterr().out))}
    assert {key: shown[key] for key in ("slug", "title", "duration", "frame_count", "has_audio", "credits", "licence",
                                         "added_by", "folder")} == {
        "slug": "singer", "title": "The Singer", "duration": "1.0", "frame_count": "25", "has_audio": "True",
        "credits": "drawn by synth", "licence": "MIT", "added_by": "cli", "folder": str(folder),
    }

    assert main(["template", "remove", "singer"]) == 0
    assert capsys.readouterr().out == "removed singer\n"
    assert not folder.exists()
    assert main(["template", "list"]) == 0
    assert [line.split()[0] for line in _lines(capsys.readouterr().out)] == ["demo"]


def test_a_clip_without_sound_is_added_with_a_warning(data_dir, silent_clip, capsys):
    assert main(["template", "add", "quiet", str(silent_clip)]) == 0
    out, err = capsys.readouterr()
    assert out == "added quiet: Quiet, 1.0 s, 25 frames\n"
    assert err == "warning: silent.mp4 has no sound; the template will render silent videos.\n"


def test_replace_needs_the_flag(data_dir, silent_clip, capsys):
    assert main(["template", "add", "quiet", str(silent_clip)]) == 0
    assert main(["template", "add", "quiet", str(silent_clip)]) == 2
    assert capsys.readouterr().err.endswith(
        "memebot: error: A template called 'quiet' exists already; pick another name or replace it.\n")
    assert main(["template", "add", "quiet", str(silent_clip), "--replace", "--title", "Again"]) == 0
    assert capsys.readouterr().out.startswith("added quiet: Again, 1.0 s")


@pytest.mark.parametrize(("argv", "message"), [
    (["template", "add", "Bad Name", "{clip}"],
     "'Bad Name' is not a valid template name: use lowercase letters, digits and dashes (max 40)."),
    (["template", "add", "demo", "{clip}"], "A template called 'demo' exists already; pick another name or replace it."),
    (["template", "add", "song", "{missing}"], "no such file: {missing}"),
    (["template", "add", "song", "{clip}", "--start", "5"],
     "The chosen part of silent.mp4 is empty (start 5.0 s, end 1.0 s, clip 1.0 s)."),
    (["template", "show", "nope"], "There is no template called 'nope'. Available: demo."),
    (["template", "remove", "nope"], "There is no template called 'nope'. Available: demo."),
    (["template", "remove", "demo"], "'demo' ships with memebot and cannot be removed."),
])
def test_bad_input_is_one_line_and_status_2(data_dir, silent_clip, tmp_path, capsys, argv, message):
    paths = {"clip": str(silent_clip), "missing": str(tmp_path / "missing.mp4")}
    assert main([arg.format(**paths) for arg in argv]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == f"memebot: error: {message.format(**paths)}\n"
    assert not (data_dir / "templates").exists() or not any((data_dir / "templates").iterdir())


def test_missing_arguments_are_a_usage_error(data_dir, capsys):
    with pytest.raises(SystemExit) as usage:
        main(["template", "add", "song"])
    assert usage.value.code == 2
    assert "the following arguments are required: video" in capsys.readouterr().err
