"""What tests check on every video memebot hands out: its C2PA manifest as c2pa-python reads it, and its boxes."""
import json
import struct
import subprocess
from pathlib import Path
from typing import Any

import c2pa

from inference.provenance import DIGITAL_SOURCE_TYPE, TEMPLATE_ASSERTION
from inference.templates.library import SHIPPED_TEMPLATES_DIR
from inference.video import FFMPEG


def read_manifest(video: Path) -> tuple[str, dict[str, Any]]:
    """The validation state and the active manifest of a video's C2PA store."""
    with c2pa.Reader(str(video)) as reader:
        store = json.loads(reader.json())
    return store["validation_state"], store["manifests"][store["active_manifest"]]


def top_level_boxes(video: Path) -> list[str]:
    """The MP4's top-level box types, in file order."""
    data, offset, boxes = video.read_bytes(), 0, []
    while offset < len(data):
        size, kind = struct.unpack(">I4s", data[offset:offset + 8])
        if size == 1:
            size = struct.unpack(">Q", data[offset + 8:offset + 16])[0]
        boxes.append(kind.decode())
        offset += size
    return boxes


def assert_signed_memebot_video(video: Path, title: str, credits: str = "") -> dict[str, Any]:
    """The video carries a valid memebot manifest marking it AI-made, and still streams and decodes as before."""
    state, manifest = read_manifest(video)
    assert state == "Valid"  # sound signature and hashes; a self-made certificate is not "Trusted"
    assert [info["name"] for info in manifest["claim_generator_info"]] == ["memebot"]
    assertions = {assertion["label"]: assertion["data"] for assertion in manifest["assertions"]}
    [created] = assertions["c2pa.actions.v2"]["actions"]
    assert created["action"] == "c2pa.created" and created["digitalSourceType"] == DIGITAL_SOURCE_TYPE
    assert assertions[TEMPLATE_ASSERTION] == {"title": title, "credits": credits}
    boxes = top_level_boxes(video)
    # Plays inline: the index (moov) before the media, and one movie, not fragments.
    assert boxes[0] == "ftyp" and boxes.index("moov") < boxes.index("mdat") and "moof" not in boxes
    decoded = subprocess.run([FFMPEG, "-v", "error", "-i", str(video), "-f", "null", "-"], capture_output=True,
                             text=True)
    assert decoded.returncode == 0 and decoded.stderr == ""
    return manifest


def assert_signed_demo_video(video: bytes, folder: Path) -> None:
    """A delivered file (its bytes) is a signed memebot video of the shipped demo template."""
    path = folder / "signed.mp4"
    path.write_bytes(video)
    demo = json.loads((SHIPPED_TEMPLATES_DIR / "demo" / "template.json").read_text())
    assert_signed_memebot_video(path, demo["title"], demo["credits"])
