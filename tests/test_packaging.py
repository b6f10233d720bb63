"""The wheel an operator installs: it carries the shipped templates and the migrations, finds them with
importlib.resources wherever it is installed, and its base install runs without torch."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from importlib import resources
from pathlib import Path

import pytest

from tests.conftest import REPO

FOMM_EXTRA_ERROR = "memebot: error: the FOMM backend needs 'pip install memebot[fomm]'"
# What the base install must not need, and what must not shadow the installed copy: the editable install.
LEFT_OUT = ("torch", "functorch", "torchgen", "safetensors", "memebot", "__editable__")


def _source_files() -> list[Path]:
    """The files of this checkout that a clone would have (tracked, or new and not ignored), relative to it."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                            check=True, capture_output=True).stdout.decode()
    return [Path(name) for name in listed.split("\0") if name and (REPO / name).is_file()]


@pytest.fixture(scope="module")
def checkout(tmp_path_factory) -> Path:
    """A copy of the checkout as a clone has it, plus the runtime files a used one gathers, which must not ship."""
    folder = tmp_path_factory.mktemp("checkout")
    for name in _source_files():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, folder / name)
    (folder / "templates" / "demo" / "keypoints").mkdir()
    (folder / "templates" / "demo" / "keypoints" / "0123abcd.npz").write_bytes(b"cached at run time")
    (folder / "templates" / "__pycache__").mkdir()
    (folder / "templates" / "__pycache__" / "__init__.cpython-311.pyc").write_bytes(b"bytecode")
    return folder


@pytest.fixture(scope="module")
def wheel(checkout, tmp_path_factory) -> Path:
    """The wheel built from the checkout copy, with this environment's setuptools and no index."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
                    "--wheel-dir", str(out), str(checkout)], check=True, capture_output=True)
    [built] = out.glob("memebot-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """The wheel installed, non-editable, into a folder of its own."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", "--target",
                    str(target), str(wheel)], check=True, capture_output=True)
    return target


@pytest.fixture(scope="module")
def dependencies(tmp_path_factory) -> Path:
    """This environment's packages as links, less torch and safetensors (and the editable memebot)."""
    folder = tmp_path_factory.mktemp("deps")
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        if not entry.name.startswith(LEFT_OUT) and entry.suffix != ".pth" and entry.name != "__pycache__":
            (folder / entry.name).symlink_to(entry)
    return folder


@pytest.fixture
def run_installed(installed, dependencies, tmp_path):
    """Run python code or `memebot ...` from the installed copy, from an unrelated folder, without torch.

    -S keeps site-packages (the editable install, torch) off the path; PYTHONPATH gives the copy and the links.
    """

    def run(*args: str, code: str | None = None) -> subprocess.CompletedProcess:
        command = [sys.executable, "-S", "-c", code] if code else [sys.executable, "-S", "-m", "bot.cli", *args]
        env = {**os.environ, "PYTHONPATH": f"{installed}{os.pathsep}{dependencies}",
               "MEMEBOT_DATA_DIR": str(tmp_path / "data")}
        for name in ("MEMEBOT_CHECKPOINT", "MEMEBOT_BACKEND", "MEMEBOT_DATABASE_URL", "MEMEBOT_TEMPLATES_DIR"):
            env.pop(name, None)
        return subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)

    return run


def test_the_wheel_carries_the_shipped_templates_and_the_migrations_and_no_runtime_files(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    sources = _source_files()
    expected = {f"inference/templates/shipped/{name.relative_to('templates')}" for name in sources
                if name.parts[0] == "templates"}
    expected |= {f"bot/store/migrations/{name.relative_to('migrations')}" for name in sources
                 if name.parts[0] == "migrations" and name.name != "alembic.ini"}  # alembic.ini: developers only
    assert {"inference/templates/shipped/demo/template.json", "inference/templates/shipped/demo/driving.mp4",
            "inference/templates/shipped/demo-singer.png", "bot/store/migrations/env.py",
            "bot/store/migrations/script.py.mako", "bot/store/migrations/versions/0001_initial_schema.py"} <= expected
    assert expected <= names
    assert not [name for name in names if "keypoints/" in name or "__pycache__" in name or "alembic.ini" in name]


def test_the_wheel_has_every_package_of_the_source_tree(wheel):
    """The packages are listed in pyproject.toml (the mapped data folders need that): a new one must be added."""
    names = set(zipfile.ZipFile(wheel).namelist())
    packages = {str(name) for name in _source_files() if name.name == "__init__.py"
                and name.parts[0] in ("bot", "inference", "synth", "bench")}
    assert packages and packages <= names
    assert not [name for name in names if name.startswith(("tests/", "templates/", "migrations/"))]


def test_resources_are_found_in_the_running_install():
    """Here (an editable install in a checkout, or a wheel) the same names lead to the same files."""
    from bot.store.migrate import MIGRATIONS_DIR
    from inference.templates.library import SHIPPED_TEMPLATES_DIR

    assert (resources.files("inference.templates.shipped") / "demo" / "template.json").is_file()
    assert (resources.files("bot.store.migrations") / "env.py").is_file()
    assert (SHIPPED_TEMPLATES_DIR / "demo" / "template.json").is_file()
    assert sorted(MIGRATIONS_DIR.glob("versions/0*.py"))


def test_an_installed_copy_finds_its_resources_in_itself_and_has_no_torch(run_installed, installed):
    probe = run_installed(code=(
        "import importlib.util\n"
        "from bot.store.migrate import MIGRATIONS_DIR\n"
        "from inference.templates.library import SHIPPED_TEMPLATES_DIR\n"
        "print(SHIPPED_TEMPLATES_DIR)\n"
        "print(MIGRATIONS_DIR)\n"
        "print(importlib.util.find_spec('torch'), importlib.util.find_spec('safetensors'))\n"
    ))
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.splitlines() == [str(installed / "inference" / "templates" / "shipped"),
                                         str(installed / "bot" / "store" / "migrations"), "None None"]


def test_an_installed_copy_lists_renders_and_migrates_without_torch(run_installed, installed, tmp_path):
    versioned = run_installed("--version")
    version = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
    assert (versioned.returncode, versioned.stdout.strip()) == (0, f"memebot {version}"), versioned.stderr
    listed = run_installed("template", "list")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.split()[0] == "demo"

    photo = installed / "inference" / "templates" / "shipped" / "demo-singer.png"
    rendered = run_installed("render", "--template", "demo", "--image", str(photo), "--out", str(tmp_path / "m.mp4"))
    assert rendered.returncode == 0, rendered.stderr
    assert rendered.stdout.startswith(f"wrote {tmp_path / 'm.mp4'}: ") and "180 frames" in rendered.stdout
    assert "landmarks)" in rendered.stdout and (tmp_path / "m.mp4").stat().st_size > 0

    migrated = run_installed("db", "upgrade")
    assert migrated.returncode == 0, migrated.stderr
    assert (tmp_path / "data" / "memebot.db").is_file() and "is up to date" in migrated.stdout



def test_without_torch_the_fomm_commands_name_the_extra(run_installed, installed, tmp_path):
    photo = installed / "inference" / "templates" / "shipped" / "demo-singer.png"
    checkpoint = tmp_path / "vox.pth.tar"
    checkpoint.write_bytes(b"not read")
    for args in (["render", "--template", "demo", "--image", str(photo), "--out", str(tmp_path / "m.mp4"),
                  "--backend", "fomm"],
                 ["render", "--template", "demo", "--image", str(photo), "--out", str(tmp_path / "m.mp4"),
                  "--checkpoint", str(checkpoint)],
                 ["convert-checkpoint", str(checkpoint), str(tmp_path / "vox.safetensors")]):
        failed = run_installed(*args)
        assert (failed.returncode, failed.stderr.strip()) == (2, FOMM_EXTRA_ERROR), args
    assert not (tmp_path / "m.mp4").exists()
