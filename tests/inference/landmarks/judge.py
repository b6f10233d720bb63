"""The issue's figures, measured on rendered frames by detecting their faces afresh: mouth amplitude and timing
against the template's, head roll error. Two judges read the frames: dlib (the animator's own detector) and
MediaPipe's Face Mesh, an independent one (another model, another landmark scheme), each reading the template's
frames and the rendered ones alike. Identity is judged by dlib's face recognition network (a ResNet embedding,
128 numbers per face; faces of one person lie within about 0.6 of each other)."""
from __future__ import annotations

import functools
from dataclasses import dataclass

import dlib
import mediapipe as mp
import numpy as np

from inference import face as detection
from inference.landmarks import ibug
from inference.landmarks.similarity import as_complex

# Face Mesh points: facing inner-lip pairs (upper, lower) from the middle out, and each eye's two corners.
MESH_INNER_LIP_PAIRS = np.array([[13, 14], [82, 87], [312, 317], [81, 178], [311, 402]])
MESH_EYES = (np.array([33, 133]), np.array([362, 263]))  # the image's left eye, then its right
MESH_OUTER_EYE_CORNERS = (33, 263)


@dataclass(frozen=True)
class Reading:
    """What a judge reads off each frame: the mouth's inner-lip opening in eye-corner distances, and the roll of the
    line through the eye centres in degrees."""

    opening: np.ndarray  # (frames,)
    roll: np.ndarray  # (frames,)


def roll_degrees(landmarks: np.ndarray) -> np.ndarray:
    """Angle of the line through the eye centres, (frames, 68, 2) -> (frames,)."""
    z = as_complex(landmarks)
    return np.degrees(np.angle(z[..., 42:48].mean(axis=-1) - z[..., 36:42].mean(axis=-1)))


def frame_landmarks(frames: np.ndarray) -> np.ndarray:
    """Landmarks (frames, 68, 2) of the largest face in each frame, detected from scratch."""
    return np.stack([detection.landmarks(frame, detection.largest_face(frame)) for frame in frames])


def dlib_reading(frames: np.ndarray) -> Reading:
    """The frames read by dlib's 68-point model, as the animator reads photos and templates."""
    landmarks = frame_landmarks(frames)
    return Reading(ibug.mouth_opening(as_complex(landmarks)), roll_degrees(landmarks))


def mesh_reading(frames: np.ndarray) -> Reading:
    """The frames read by MediaPipe's Face Mesh, each as a still image; AssertionError if it misses a face."""
    points = []
    # refine_landmarks: the attention model, whose lips and eyes are the most accurate Face Mesh has.
    with mp.solutions.face_mesh.FaceMesh(static_image_mode=True, max_num_faces=1, refine_landmarks=True) as mesh:
        for frame in frames:
            found = mesh.process(np.ascontiguousarray(frame)).multi_face_landmarks
            assert found, "Face Mesh found no face in a frame"
            points.append([complex(p.x * frame.shape[1], p.y * frame.shape[0]) for p in found[0].landmark])
    z = np.array(points)
    eyes = np.abs(z[:, MESH_OUTER_EYE_CORNERS[1]] - z[:, MESH_OUTER_EYE_CORNERS[0]])
    opening = np.abs(z[:, MESH_INNER_LIP_PAIRS[:, 1]] - z[:, MESH_INNER_LIP_PAIRS[:, 0]]).mean(axis=1) / eyes
    eye_line = z[:, MESH_EYES[1]].mean(axis=1) - z[:, MESH_EYES[0]].mean(axis=1)
    return Reading(opening, np.degrees(np.angle(eye_line)))


JUDGES = {"dlib": dlib_reading, "mediapipe": mesh_reading}


@functools.cache
def _recognition() -> tuple[dlib.shape_predictor, dlib.face_recognition_model_v1]:
    """The 5-point aligner and the embedding network that ship with face_recognition_models."""
    models = detection.models_dir()
    return (dlib.shape_predictor(str(models / "shape_predictor_5_face_landmarks.dat")),
            dlib.face_recognition_model_v1(str(models / "dlib_face_recognition_resnet_model_v1.dat")))


def identity(image: np.ndarray) -> np.ndarray:
    """The embedding (128,) of the largest face in an RGB image."""
    aligner, network = _recognition()
    face, image = detection.largest_face(image), np.ascontiguousarray(image)
    box = dlib.rectangle(round(face.left), round(face.top), round(face.right), round(face.bottom))
    return np.array(network.compute_face_descriptor(image, aligner(image, box)))


@dataclass(frozen=True)
class Figures:
    """How well a rendered clip follows its template."""

    amplitude_ratio: float  # std of the rendered mouth opening / std of the template's
    timing: float  # Pearson r of the two openings over time
    roll_error: float  # mean |rendered roll change - template roll change|, degrees


def measure(template: Reading, rendered: Reading, initial_frame: int) -> Figures:
    """Compare a judge's reading of the template's frames with its reading of the rendered ones."""
    driven_roll = template.roll - template.roll[initial_frame]
    sung_roll = rendered.roll - rendered.roll[initial_frame]
    return Figures(float(rendered.opening.std() / template.opening.std()),
                   float(np.corrcoef(template.opening, rendered.opening)[0, 1]),
                   float(np.abs(sung_roll - driven_roll).mean()))
