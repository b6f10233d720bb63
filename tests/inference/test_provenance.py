"""Content credentials on every video memebot writes: CLI renders, both backends, shrunk copies, the signing pair."""
import json

import pytest

from bot.cli import main
from inference.image_io import load_photo
from inference.provenance import ContentCredentials, ProvenanceError, SigningFiles, prepare_signing_files
from inference.render import RenderOptions, prepare_photo, render
from inference.shrink import fit_to_size
from inference.templates import clip_template
from synth import demo
from tests.credentials import assert_signed_memebot_video


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("MEMEBOT_DATA_DIR", str(tmp_path / "data"))
    for name in ("MEMEBOT_CHECKPOINT", "MEMEBOT_BACKEND", "MEMEBOT_C2PA_CERT", "MEMEBOT_C2PA_KEY"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "data"


@pytest.fixture(scope="module")
def short_clip(tmp_path_factory):
    return demo.write_driving_clip(tmp_path_factory.mktemp("clip") / "singing.mp4", seconds=1.2)


@pytest.fixture
def own_signing(tmp_path):
    files = SigningFiles.own(tmp_path / "c2pa")
    prepare_signing_files(files)
    return files


def test_a_cli_render_is_signed_as_ai_made_with_the_templates_title_and_credits(data_dir, demo_photo, short_clip,
                                                                               tmp_path):
    assert main(["template", "add", "short", str(short_clip), "--title", "Short Song", "--credits", "The Band"]) == 0
    out = tmp_path / "meme.mp4"
    assert main(["render", "--template", "short", "--image", str(demo_photo), "--out", str(out)]) == 0
    manifest = assert_signed_memebot_video(out, "Short Song", "The Band")
    text = json.dumps(manifest)
    # No personal data: nothing names the photo, the machine's folders or who added the template.
    assert demo_photo.stem not in text and str(tmp_path) not in text and "added_by" not in text
    # memebot made its own signing pair on first use, and keeps it.
    own = SigningFiles.own(data_dir / "c2pa")
    first = own.certificate.read_bytes()
    assert main(["render", "--template", "short", "--image", str(demo_photo), "--out", str(out)]) == 0
    assert own.certificate.read_bytes() == first


def test_a_fomm_render_is_signed(demo_photo, short_clip, tmp_path, own_signing, small_fomm):
    animator = small_fomm
    template = clip_template(short_clip, tmp_path / "cache")
    out = tmp_path / "fomm.mp4"
    credentials = ContentCredentials(own_signing, template.meta.title, template.meta.credits)
    render(prepare_photo(load_photo(demo_photo)), template, animator, out, RenderOptions(credentials=credentials),
           audio=template.audio_path)
    assert_signed_memebot_video(out, template.meta.title, template.meta.credits)


def test_a_shrunk_copy_carries_its_sources_credentials(data_dir, demo_photo, short_clip, tmp_path, own_signing):
    assert main(["template", "add", "short", str(short_clip), "--title", "Short Song", "--credits", "The Band"]) == 0
    out = tmp_path / "meme.mp4"
    assert main(["render", "--template", "short", "--image", str(demo_photo), "--out", str(out)]) == 0
    shrunk = fit_to_size(out, out.stat().st_size // 2, tmp_path / "scratch", own_signing)
    assert shrunk is not None and shrunk != out and shrunk.stat().st_size <= out.stat().st_size // 2
    assert_signed_memebot_video(shrunk, "Short Song", "The Band")


def test_unusable_signing_files_are_one_clear_error(tmp_path):
    missing = SigningFiles(tmp_path / "chain.pem", tmp_path / "key.pem")
    with pytest.raises(ProvenanceError, match="cannot read the C2PA signing files"):
        prepare_signing_files(missing)
    own = SigningFiles.own(tmp_path / "c2pa")
    prepare_signing_files(own)
    lone_signer = SigningFiles(tmp_path / "signer.pem", own.key)
    lone_signer.certificate.write_bytes(own.certificate.read_bytes().split(b"-----END CERTIFICATE-----")[0]
                                        + b"-----END CERTIFICATE-----\n")
    with pytest.raises(ProvenanceError, match="followed by its issuer"):
        prepare_signing_files(lone_signer)
