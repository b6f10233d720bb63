"""Which pair signs the bot's videos: memebot's own, made on first start, or the operator's MEMEBOT_C2PA_CERT/KEY."""

import pytest

from bot.cli import main
from bot.config import ConfigError, Settings
from bot.startup import StartupError, prepare_signing
from inference.provenance import SigningFiles, prepare_signing_files
from tests.credentials import read_manifest


def test_the_certificate_and_key_go_together(tmp_path):
    with pytest.raises(ConfigError, match="MEMEBOT_C2PA_CERT and MEMEBOT_C2PA_KEY go together"):
        Settings.from_env({"MEMEBOT_DATA_DIR": str(tmp_path), "MEMEBOT_C2PA_CERT": str(tmp_path / "chain.pem")})


def test_the_first_start_makes_memebots_own_pair_once(tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    prepare_signing(settings)
    own = settings.signing_files()
    assert own == SigningFiles.own(tmp_path / "data" / "c2pa") and own.key.stat().st_mode & 0o077 == 0
    first = own.key.read_bytes()
    prepare_signing(settings)
    assert own.key.read_bytes() == first


def test_a_missing_operator_pair_stops_the_start_with_its_variables(tmp_path):
    settings = Settings.from_env({"MEMEBOT_DATA_DIR": str(tmp_path), "MEMEBOT_C2PA_CERT": str(tmp_path / "chain.pem"),
                                  "MEMEBOT_C2PA_KEY": str(tmp_path / "key.pem")})
    variables = r"\(MEMEBOT_C2PA_CERT, MEMEBOT_C2PA_KEY\)"
    with pytest.raises(StartupError, match=f"cannot read the C2PA signing files.*{variables}"):
        prepare_signing(settings)
    assert not (tmp_path / "c2pa").exists()  # memebot never makes its own pair where the operator named one


def test_the_operators_pair_signs_renders(tmp_path, demo_photo, monkeypatch):
    from cryptography import x509

    operator = SigningFiles.own(tmp_path / "operator")  # any chain c2pa accepts; here one made like memebot's
    prepare_signing_files(operator)
    monkeypatch.setenv("MEMEBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("MEMEBOT_C2PA_CERT", str(operator.certificate))
    monkeypatch.setenv("MEMEBOT_C2PA_KEY", str(operator.key))
    for name in ("MEMEBOT_CHECKPOINT", "MEMEBOT_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    out = tmp_path / "meme.mp4"
    assert main(["render", "--template", "demo", "--image", str(demo_photo), "--out", str(out), "--no-paste-back"]) == 0
    state, manifest = read_manifest(out)
    signer = x509.load_pem_x509_certificates(operator.certificate.read_bytes())[0]
    assert state == "Valid" and manifest["signature_info"]["cert_serial_number"] == str(signer.serial_number)
    assert not (tmp_path / "data" / "c2pa").exists()
