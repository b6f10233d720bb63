"""C2PA content credentials: sign a finished MP4 as AI-made, read a video's credentials back, make a signing pair.

Light to import (the c2pa native library and cryptography load on first use): the bot's settings name SigningFiles.
"""
from __future__ import annotations

import datetime
import os
import shutil
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

CLAIM_GENERATOR = "memebot"
# IPTC's term for media made by a trained model, which is what C2PA readers show as "AI-generated".
DIGITAL_SOURCE_TYPE = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
TEMPLATE_ASSERTION = "org.memebot.template"
MP4_FORMAT = "video/mp4"
OWN_CERTIFICATE_FILE = "certificate.pem"
OWN_KEY_FILE = "key.pem"
OWN_CERTIFICATE_DAYS = 3650
# States of c2pa's validation that mean the signature and every hash match ("Trusted": also a known issuer).
SOUND_STATES = ("Valid", "Trusted")
# A file may point at a manifest on the web; verifying a stranger's file must not make memebot fetch it.
OFFLINE_READING = {"verify": {"remote_manifest_fetch": False}}


class ProvenanceError(Exception):
    """A video could not be signed: the signing files are missing, unreadable or not accepted by c2pa."""


@dataclass(frozen=True)
class SigningFiles:
    """A PEM certificate chain (signer first, its issuers after) and the signer's PEM private key; `self_made`:
    memebot's own pair, made on first start."""

    certificate: Path
    key: Path
    self_made: bool = False

    @classmethod
    def own(cls, folder: Path) -> SigningFiles:
        """The pair memebot makes itself in `folder`."""
        return cls(folder / OWN_CERTIFICATE_FILE, folder / OWN_KEY_FILE, self_made=True)


@dataclass(frozen=True)
class ContentCredentials:
    """What a video's manifest says beyond "made by memebot's AI": the template's title and credits."""

    signing: SigningFiles
    title: str
    credits: str = ""


@dataclass(frozen=True)
class Verdict:
    """What a video's credentials say: `state` is "memebot", "other" (someone else's sound manifest), "none" or
    "broken"; `title` and `made` (an ISO time) come from a memebot manifest."""

    state: str
    title: str = ""
    credits: str = ""
    made: str = ""
    problem: str = ""


def memebot_version() -> str:
    """memebot's installed version, as the manifest's claim generator names it."""
    try:
        return metadata.version("memebot")
    except metadata.PackageNotFoundError:
        return "unknown"


def prepare_signing_files(files: SigningFiles) -> None:
    """Make memebot's own pair if it is missing, then check that the files are a key and certificates c2pa takes."""
    from cryptography import x509

    if files.self_made:
        _create_own(files)
    try:
        certificates = x509.load_pem_x509_certificates(files.certificate.read_bytes())
        _algorithm(files.key.read_bytes())
    except OSError as error:
        raise ProvenanceError(f"cannot read the C2PA signing files: {error}") from None
    except (ValueError, TypeError) as error:  # TypeError: the key is encrypted
        raise ProvenanceError(f"{files.certificate} or {files.key} is not PEM: {error}") from None
    if len(certificates) < 2:
        raise ProvenanceError(f"{files.certificate}: c2pa needs the signer's certificate followed by its issuer's")


def _create_own(files: SigningFiles) -> None:
    """An ES256 signer certified by a self-made CA, in `files`' folder unless it is there already.

    c2pa refuses a self-signed signer, so a small CA issues it; both are made in a scratch folder renamed into
    place, so processes starting together end up with one matching pair.
    """
    folder = files.certificate.parent
    if files.certificate.exists() and files.key.exists():
        return
    folder.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    certificate, key = _self_made_chain()
    (scratch / OWN_CERTIFICATE_FILE).write_bytes(certificate)
    (scratch / OWN_KEY_FILE).write_bytes(key)
    (scratch / OWN_KEY_FILE).chmod(0o600)
    try:
        scratch.rename(folder)
    except OSError:  # another process made the pair first (or an empty folder stands there): keep theirs
        shutil.rmtree(scratch)
        if not (files.certificate.exists() and files.key.exists()):
            raise ProvenanceError(f"{folder} exists but holds no {OWN_CERTIFICATE_FILE} and {OWN_KEY_FILE}") from None


def _self_made_chain() -> tuple[bytes, bytes]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.UTC)

    def name(common_name: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                          x509.NameAttribute(NameOID.ORGANIZATION_NAME, "memebot (self-made)")])

    def usage(*, signs_certificates: bool) -> x509.KeyUsage:
        return x509.KeyUsage(digital_signature=not signs_certificates, content_commitment=False,
                             key_encipherment=False, data_encipherment=False, key_agreement=False,
                             key_cert_sign=signs_certificates, crl_sign=signs_certificates, encipher_only=False,
                             decipher_only=False)

    def certificate(subject: str, public_key: Any) -> x509.CertificateBuilder:
        return (x509.CertificateBuilder().subject_name(name(subject)).issuer_name(name("memebot CA"))
                .public_key(public_key).serial_number(x509.random_serial_number())
                .not_valid_before(now - datetime.timedelta(days=1))
                .not_valid_after(now + datetime.timedelta(days=OWN_CERTIFICATE_DAYS))
                .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False))

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (certificate("memebot CA", ca_key.public_key())
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(usage(signs_certificates=True), critical=True)
          .sign(ca_key, hashes.SHA256()))
    signer_key = ec.generate_private_key(ec.SECP256R1())
    # c2pa accepts a signer with digitalSignature use and one of a few purposes; emailProtection is one.
    signer = (certificate("memebot content credentials", signer_key.public_key())
              .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
              .add_extension(usage(signs_certificates=False), critical=True)
              .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
              .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
              .sign(ca_key, hashes.SHA256()))
    chain = signer.public_bytes(serialization.Encoding.PEM) + ca.public_bytes(serialization.Encoding.PEM)
    key = signer_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                   serialization.NoEncryption())
    return chain, key


def _algorithm(key_pem: bytes) -> str:
    """The C2PA signing algorithm for a private key (EC P-256/384/521, Ed25519 or RSA-PSS)."""
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    key = load_pem_private_key(key_pem, password=None)
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return "ed25519"
    if isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.name in ("secp256r1", "secp384r1", "secp521r1"):
        return {"secp256r1": "es256", "secp384r1": "es384", "secp521r1": "es512"}[key.curve.name]
    if isinstance(key, rsa.RSAPrivateKey):
        return "ps256"
    raise ProvenanceError("the C2PA key must be an unencrypted EC (P-256, P-384, P-521), Ed25519 or RSA key")


def _manifest(credentials: ContentCredentials) -> dict[str, Any]:
    version = memebot_version()
    when = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    return {
        "claim_generator_info": [{"name": CLAIM_GENERATOR, "version": version}],
        "title": credentials.title,
        "assertions": [
            {"label": "c2pa.actions", "data": {"actions": [{
                "action": "c2pa.created", "digitalSourceType": DIGITAL_SOURCE_TYPE, "when": when,
                "softwareAgent": {"name": CLAIM_GENERATOR, "version": version},
            }]}},
            {"label": TEMPLATE_ASSERTION, "data": {"title": credentials.title, "credits": credentials.credits}},
        ],
    }


def sign_video(video: Path, credentials: ContentCredentials) -> None:
    """Embed a signed manifest in a finished MP4, in place (the index stays in front of the media)."""
    import c2pa

    if credentials.signing.self_made:
        _create_own(credentials.signing)  # on first use, for processes that skipped the start-up checks
    try:
        chain = credentials.signing.certificate.read_bytes()
        key = credentials.signing.key.read_bytes()
    except OSError as error:
        raise ProvenanceError(f"cannot read the C2PA signing files: {error}") from None
    signed = video.with_name(f".signing-{video.name}")
    try:
        info = c2pa.C2paSignerInfo(_algorithm(key), chain, key, None)  # no timestamp authority: signing is offline
        with c2pa.Signer.from_info(info) as signer, c2pa.Builder(_manifest(credentials)) as builder, \
                video.open("rb") as source, signed.open("w+b") as target:
            builder.sign(signer, MP4_FORMAT, source, target)
        os.replace(signed, video)
    except (c2pa.C2paError, ValueError, TypeError) as error:
        raise ProvenanceError(f"c2pa could not sign {video.name}: {error}") from None
    finally:
        signed.unlink(missing_ok=True)


def read_verdict(video: Path) -> Verdict:
    """Read and validate a video's manifest, offline: no issuer is looked up, no remote manifest fetched."""
    import json

    import c2pa

    try:
        with video.open("rb") as stream, c2pa.Context.from_dict(OFFLINE_READING) as context, \
                c2pa.Reader(MP4_FORMAT, stream, context=context) as reader:
            store = json.loads(reader.json())
    except c2pa.C2paError.ManifestNotFound:
        return Verdict("none")
    except c2pa.C2paError as error:
        return Verdict("broken", problem=str(error))
    manifest = store.get("manifests", {}).get(store.get("active_manifest", ""), {})
    if store.get("validation_state") not in SOUND_STATES:
        failures = store.get("validation_results", {}).get("activeManifest", {}).get("failure", [])
        problems = [failure["explanation"] for failure in failures if failure["code"] != "signingCredential.untrusted"]
        return Verdict("broken", problem="; ".join(problems) or str(store.get("validation_state")))
    generators = {info.get("name") for info in manifest.get("claim_generator_info", [])}
    assertions = {assertion["label"]: assertion["data"] for assertion in manifest.get("assertions", [])}
    template = assertions.get(TEMPLATE_ASSERTION)
    if CLAIM_GENERATOR not in generators or template is None:
        return Verdict("other")
    actions = assertions.get("c2pa.actions.v2", assertions.get("c2pa.actions", {})).get("actions", [])
    created: dict[str, Any] = next((action for action in actions if action.get("action") == "c2pa.created"), {})
    return Verdict("memebot", title=template.get("title", ""), credits=template.get("credits", ""),
                   made=created.get("when", ""))


def copy_credentials(source: Path, copy: Path, signing: SigningFiles) -> None:
    """Sign a re-encoded copy of a memebot video with its source's template credits (ffmpeg drops the manifest)."""
    verdict = read_verdict(source)
    if verdict.state != "memebot":
        raise ProvenanceError(f"{source.name} carries no sound memebot manifest to copy ({verdict.state})")
    sign_video(copy, ContentCredentials(signing, verdict.title, verdict.credits))
