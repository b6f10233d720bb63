"""The landmark animator on a real portrait (scikit-image's astronaut, upright and turned) and the demo singer with
the demo template, as a user gets it:
the mouth sings as wide and in time with the template's, the head rolls with it, and outside the head the
photo stays exactly as it was. Figures are measured by two judges (dlib, the animator's own detector, and MediaPipe's
Face Mesh, an independent one), each reading the template's frames and the rendered frames afresh."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from inference.alignment import best_frame
from inference.animator import SourceFace
from inference.image_io import load_photo
from inference.landmarks import LandmarkAnimator, ibug
from inference.landmarks.head import head_mask, head_outline
from inference.landmarks.motion import steady, transfer_motion
from inference.landmarks.similarity import as_complex
from inference.render import prepare_photo
from inference.templates import TemplateLibrary
from inference.templates.library import SHIPPED_TEMPLATES_DIR
from synth import demo as demo_clip
from synth.face import CONDUCTOR, draw_face, mouth_truth
from synth.photos import astronaut, turned
from tests.inference.landmarks.clips import ClipMotion
from tests.inference.landmarks.judge import JUDGES, Figures, frame_landmarks, identity, measure

pytest.importorskip("skimage")

# Per judge: the least amplitude ratio and timing r, the most roll error (degrees). The floor for amplitude
# is 0.5, its goal 0.8; timing r at least 0.8; roll within 1.5 degrees. Measured (astronaut upright, turned, demo
# singer): dlib amplitude 1.04, 1.09, 1.24 (above 1: dlib reads the template's shut mouth parted, the animator
# shuts it), r 0.97-0.98, roll 0.46-0.60; Face Mesh amplitude 0.71, 0.78, 0.87, r 0.90, 0.88, 0.98, roll 0.38,
# 0.85, 0.83.
LIMITS = {"dlib": (0.9, 0.9, 1.5), "mediapipe": (0.65, 0.85, 1.5)}
# How closely each judge's reading of the demo conductor's mouth follows its drawn opening (Pearson r; measured
# 0.991 dlib, 0.997 Face Mesh): a template whose mouth the detector misreads drives every photo's mouth wrong.
MIN_TEMPLATE_READING = 0.97
# Face-recognition distance of every rendered frame from the photo: dlib's same-person bound is 0.6. Measured at
# most 0.42 upright, 0.44 turned, 0.31 on the demo singer; the astronaut is 0.72 from the demo singer.
MAX_IDENTITY_DISTANCE = 0.5
# Enough of the demo template for three sung phrases, closed notes between.
FRAMES = 100


@pytest.fixture(scope="module")
def demo() -> ClipMotion:
    template = TemplateLibrary(SHIPPED_TEMPLATES_DIR).get("demo")
    frames = np.concatenate(list(template.frames(FRAMES)))[:FRAMES]
    return ClipMotion(frames, template.landmarks()[:FRAMES], template.fps)


def sing(photo: np.ndarray, demo: ClipMotion) -> tuple[SourceFace, np.ndarray, int]:
    """The photo animated whole, as render does it: its face, the frames, the template frame it starts from."""
    prepared = prepare_photo(photo)
    source = prepared.whole(max(photo.shape[:2]))
    initial = best_frame(prepared.face.landmarks, demo.landmarks())
    return source, np.concatenate(list(LandmarkAnimator().animate(source, demo, initial))), initial


PHOTOS = {"upright": astronaut, "turned": lambda: turned(astronaut()),
          "singer": lambda: load_photo(SHIPPED_TEMPLATES_DIR / "demo-singer.png")}


@pytest.fixture(scope="module", params=sorted(PHOTOS))
def sung(request: pytest.FixtureRequest, demo: ClipMotion) -> tuple[SourceFace, np.ndarray, int]:
    """The photo and its frames singing, with the template frame they start from."""
    return sing(PHOTOS[request.param](), demo)


@pytest.fixture(scope="module", params=sorted(JUDGES))
def judged(request: pytest.FixtureRequest, sung, demo: ClipMotion) -> tuple[str, Figures]:
    """A judge's name and its figures: the template's frames and the rendered ones, both read by it."""
    _, frames, initial = sung
    read = JUDGES[request.param]
    return request.param, measure(read(demo.clip_frames), read(frames), initial)


def test_the_mouth_sings_as_wide_and_in_time_with_the_template(judged) -> None:
    judge, figures = judged
    min_amplitude, min_timing, _ = LIMITS[judge]
    assert figures.amplitude_ratio >= min_amplitude
    assert figures.timing >= min_timing


def test_the_head_rolls_with_the_template(judged) -> None:
    judge, figures = judged
    assert figures.roll_error <= LIMITS[judge][2]


@pytest.mark.parametrize("judge", sorted(JUDGES))
def test_the_judges_read_the_demo_conductors_mouth_as_drawn(judge: str) -> None:
    poses = [demo_clip.pose_at(i / demo_clip.CLIP_FPS) for i in range(0, 200, 2)]
    frames = np.stack([draw_face(CONDUCTOR, pose, demo_clip.CLIP_SIZE, demo_clip.CLIP_SIZE) for pose in poses])
    drawn = [mouth_truth(pose) for pose in poses]
    assert np.corrcoef(drawn, JUDGES[judge](frames).opening)[0, 1] >= MIN_TEMPLATE_READING


def test_outside_the_head_the_photo_stays_exactly_as_it_was(sung) -> None:
    source, frames, _ = sung
    height, width = source.crop.shape[:2]
    outside = head_mask(head_outline(as_complex(source.landmarks), width, height), width, height) == 0
    assert outside.mean() > 0.4  # much of the photo is not head
    assert (frames[:, outside] == source.crop[outside]).all()
    assert (frames != source.crop).any(axis=(1, 2, 3)).mean() > 0.5  # while the head moves


def test_the_singing_face_is_still_the_photos_person(sung) -> None:
    source, frames, _ = sung
    photo = identity(source.crop)
    distances = [np.linalg.norm(identity(frame) - photo) for frame in frames[::5]]
    assert max(distances) <= MAX_IDENTITY_DISTANCE


def inside_brightness(image: np.ndarray, landmarks: np.ndarray) -> float:
    """Mean luminance inside the inner lips, a pixel clear of them."""
    inside = np.zeros(image.shape[:2], np.uint8)
    cv2.fillPoly(inside, [np.round(landmarks[ibug.INNER_LIPS]).astype(np.int32)], 255)
    inside = cv2.erode(inside, np.ones((3, 3), np.uint8))
    return float(cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)[inside > 0].mean())


def test_the_photos_own_teeth_show_until_the_mouth_opens_past_the_photos(demo: ClipMotion) -> None:
    source, frames, initial = sing(astronaut(), demo)
    photo_opening = float(ibug.mouth_opening(as_complex(source.landmarks)))
    teeth = inside_brightness(source.crop, source.landmarks)
    sung = transfer_motion(as_complex(source.landmarks), steady(as_complex(demo.landmarks()), demo.fps), initial)
    openings = ibug.mouth_opening(sung.landmarks)  # the mouth as the animator opens it
    landmarks = frame_landmarks(frames)
    parted = np.flatnonzero((openings >= 0.5 * photo_opening) & (openings <= photo_opening))
    wide = np.flatnonzero(openings >= 2 * photo_opening)
    assert len(parted) > 0 and len(wide) > 0
    # Her teeth as they are in the photo; opened twice as wide, the template's dark inside.
    assert all(inside_brightness(frames[i], landmarks[i]) > 0.8 * teeth for i in parted)
    assert all(inside_brightness(frames[i], landmarks[i]) < 0.4 * teeth for i in wide)
