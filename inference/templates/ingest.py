"""Turning an uploaded clip into a template once: checks, face tracking, one stable crop, audio, landmarks, previews."""
from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import cv2
import numpy as np

from inference.errors import InputError
from inference.face import CROP_SIZE, FaceBox, SquareBox, detect_faces, landmarks, square_around
from inference.templates.folders import MAX_CLIP_BYTES, TemplateExists, check_slug, move_aside
from inference.templates.template import (
    AUDIO_FILE,
    CLIP_FILE,
    LANDMARKS_FILE,
    META_FILE,
    PREVIEW_IMAGE_FILE,
    PREVIEW_VIDEO_FILE,
    Template,
    TemplateMeta,
    write_meta,
)
from inference.video import VideoWriter, extract_audio, probe, read_frames

MAX_DURATION_SECONDS = 60.0
# Shorter than this is a flicker, not a song.
MIN_DURATION_SECONDS = 1.0
MIN_FPS = 10.0
TEMPLATE_FPS = 25.0
# Frames are tracked on a copy this small: plenty for a face filling a good part of the clip, and fast.
TRACKING_MAX_SIDE = 480
# A second face at least this large relative to the first makes the choice ambiguous.
SIMILAR_FACE_RATIO = 0.75
# The face may vanish this long (a fast turn, a hand) before the clip is refused.
MAX_FACE_GAP_SECONDS = 0.5
# Margin around the union of all face boxes, as the official crop tool does, on top of the usual face crop.
TUBE_MARGIN = 0.1
PREVIEW_SECONDS = 4.0
ACCEPTED_SUFFIXES = (".mp4", ".mov", ".webm", ".mkv", ".m4v")
# Template folders are read by render workers that may run as another user than the admin tool.
FOLDER_MODE = 0o755

Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class IngestLimits:
    """What a clip may be; admins can tune these through configuration."""

    max_duration: float = MAX_DURATION_SECONDS
    min_duration: float = MIN_DURATION_SECONDS
    max_bytes: int = MAX_CLIP_BYTES
    min_fps: float = MIN_FPS
    max_face_gap: float = MAX_FACE_GAP_SECONDS


def _clock(seconds: float) -> str:
    return f"{int(seconds // 60)}:{seconds % 60:04.1f}"


def _amount(value: float) -> str:
    """A limit as admins configure it: 60, 0.5, 200 (no trailing .0)."""
    return f"{round(value, 1):g}"


def _check_clip(video: Path, start: float | None, end: float | None, limits: IngestLimits):
    if video.suffix.lower() not in ACCEPTED_SUFFIXES:
        raise InputError(f"{video.name}: send the clip as {', '.join(ACCEPTED_SUFFIXES)}.")
    size = video.stat().st_size
    if size > limits.max_bytes:
        raise InputError(f"{video.name} is {size / 2**20:.1f} MB; "
                         f"clips up to {_amount(limits.max_bytes / 2**20)} MB are accepted.")
    info = probe(video)
    begin = max(0.0, start or 0.0)
    finish = min(info.duration, end) if end is not None else info.duration
    if finish - begin <= 0:
        raise InputError(f"The chosen part of {video.name} is empty "
                         f"(start {begin:.1f} s, end {finish:.1f} s, clip {info.duration:.1f} s).")
    # Half a frame of slack: a clip of exactly the minimum may probe a hair shorter.
    if finish - begin < limits.min_duration - 0.5 / TEMPLATE_FPS:
        raise InputError(f"That clip is {finish - begin:.1f} s long; templates must be at least "
                         f"{_amount(limits.min_duration)} s. Send a longer clip, or widen start and end.")
    if finish - begin > limits.max_duration:
        raise InputError(f"That clip is {finish - begin:.1f} s long; "
                         f"templates may be at most {_amount(limits.max_duration)} s. "
                         "Use start and end to pick a part.")
    if info.fps < limits.min_fps:
        raise InputError(f"{video.name} has only {info.fps:.0f} frames per second; "
                         f"at least {_amount(limits.min_fps)} are needed.")
    return info, begin, finish


def _track_faces(
    video: Path, info, begin: float, finish: float, limits: IngestLimits, progress: Progress
) -> list[FaceBox]:
    """One face box per frame at the template frame rate, in source pixels; gaps filled, ambiguity refused."""
    # Shrink to fit TRACKING_MAX_SIDE keeping the aspect ratio of the frames as decoded: ffmpeg turns phone clips
    # upright by their rotation tag, so they can be the header's size turned a quarter (portrait for landscape).
    side = TRACKING_MAX_SIDE
    filters = [f"fps={TEMPLATE_FPS}",
               f"scale=w='min(iw,{side})':h='min(ih,{side})':force_original_aspect_ratio=decrease"]
    expected = max(1, round((finish - begin) * TEMPLATE_FPS))
    per_frame: list[FaceBox | None] = []
    tracked_size = (info.width, info.height)
    with closing(read_frames(video, filters, begin, finish)) as frames:
        for index, frame in enumerate(frames):
            tracked_size = (frame.shape[1], frame.shape[0])
            faces = detect_faces(frame, max_side=TRACKING_MAX_SIDE)
            if len(faces) > 1 and faces[1].side >= SIMILAR_FACE_RATIO * faces[0].side:
                at = begin + index / TEMPLATE_FPS
                raise InputError(f"Several faces of similar size at {_clock(at)}; "
                                 "use a clip with one singer, or trim it with start and end.")
            per_frame.append(faces[0] if faces else None)
            progress("tracking the face", min(1.0, (index + 1) / expected))
    if not any(per_frame):
        raise InputError(
            "I couldn't find a face in that clip; templates need one clearly visible, front-facing singer."
        )
    _refuse_long_gaps(per_frame, begin, limits.max_face_gap)
    boxes = _fill_gaps(per_frame)
    width, height = _decoded_size(info, tracked_size)
    sx, sy = tracked_size[0] / width, tracked_size[1] / height
    return [FaceBox(b.left / sx, b.top / sy, b.right / sx, b.bottom / sy, b.score) for b in boxes]


def _decoded_size(info, tracked_size: tuple[int, int]) -> tuple[int, int]:
    """The full size of the frames as decoded: the header's, or turned a quarter if the tracked frames are."""
    aspect = tracked_size[0] / tracked_size[1]
    if abs(aspect - info.height / info.width) < abs(aspect - info.width / info.height):
        return info.height, info.width
    return info.width, info.height


def _refuse_long_gaps(per_frame: list[FaceBox | None], begin: float, max_gap: float) -> None:
    run_start = None
    for index, face in enumerate(per_frame + [FaceBox(0, 0, 1, 1, 1.0)]):
        if face is None and run_start is None:
            run_start = index
        elif face is not None and run_start is not None:
            if (index - run_start) / TEMPLATE_FPS > max_gap:
                raise InputError(
                    f"The face is lost from {_clock(begin + run_start / TEMPLATE_FPS)} "
                    f"to {_clock(begin + index / TEMPLATE_FPS)}; "
                    "trim the clip with start and end, or use one where the face stays in view."
                )
            run_start = None


def _fill_gaps(per_frame: list[FaceBox | None]) -> list[FaceBox]:
    """Interpolate the box through short gaps (and hold it at the clip's ends)."""
    known = [i for i, face in enumerate(per_frame) if face is not None]
    faces = [face for face in per_frame if face is not None]
    coords = np.array([[face.left, face.top, face.right, face.bottom] for face in faces])
    filled = np.stack([np.interp(np.arange(len(per_frame)), known, coords[:, k]) for k in range(4)], axis=1)
    return [FaceBox(left, top, right, bottom, score=1.0) for left, top, right, bottom in filled]


def _tube_square(boxes: list[FaceBox]) -> SquareBox:
    """One square for the whole clip: the face crop around the union of all boxes, so the camera stays still."""
    union = FaceBox(min(b.left for b in boxes), min(b.top for b in boxes),
                    max(b.right for b in boxes), max(b.bottom for b in boxes), 1.0)
    square = square_around(union)
    side = round(square.side * (1 + TUBE_MARGIN))
    return SquareBox(square.left - (side - square.side) // 2, square.top - (side - square.side) // 2, side)


def _crop_filters(square: SquareBox) -> list[str]:
    # Pad first so the square may reach past the frame's edges, then crop and scale to the model's size.
    pad = max(0, -square.left, -square.top) + square.side
    return [
        f"fps={TEMPLATE_FPS}",
        f"pad=iw+{2 * pad}:ih+{2 * pad}:{pad}:{pad}:color=black",
        f"crop={square.side}:{square.side}:{square.left + pad}:{square.top + pad}",
        f"scale={CROP_SIZE}:{CROP_SIZE}:flags=area",
    ]


def _box_in_crop(face: FaceBox, square: SquareBox) -> FaceBox:
    s = square.scale_to(CROP_SIZE)
    return FaceBox((face.left - square.left) * s, (face.top - square.top) * s,
                   (face.right - square.left) * s, (face.bottom - square.top) * s, face.score)


def _write_clip_and_landmarks(video, square, boxes, begin, finish, folder: Path, progress: Progress) -> int:
    """Encode the cropped clip and compute each frame's landmarks in the same pass."""
    all_landmarks = []
    with VideoWriter(folder / CLIP_FILE, CROP_SIZE, CROP_SIZE, TEMPLATE_FPS, crf=14) as writer, \
            closing(read_frames(video, _crop_filters(square), begin, finish)) as frames:
        for index, frame in enumerate(frames):
            box = boxes[min(index, len(boxes) - 1)]
            all_landmarks.append(landmarks(frame, _box_in_crop(box, square)))
            writer.write(frame)
            if index == len(boxes) // 2:
                cv2.imwrite(str(folder / PREVIEW_IMAGE_FILE), cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
            progress("cropping and measuring the motion", min(1.0, (index + 1) / len(boxes)))
    np.save(folder / LANDMARKS_FILE, np.stack(all_landmarks).astype(np.float32))
    return len(all_landmarks)


def _write_preview(folder: Path, has_audio: bool, frame_count: int) -> None:
    """A short clip of the template for chat listings."""
    with VideoWriter(folder / PREVIEW_VIDEO_FILE, CROP_SIZE, CROP_SIZE, TEMPLATE_FPS,
                     audio=folder / AUDIO_FILE if has_audio else None,
                     duration=min(PREVIEW_SECONDS, frame_count / TEMPLATE_FPS)) as writer, \
            closing(read_frames(folder / CLIP_FILE, [f"trim=duration={PREVIEW_SECONDS}"])) as frames:
        for frame in frames:
            writer.write(frame)


def ingest(
    video: Path | str,
    destination: Path | str,
    slug: str,
    title: str | None = None,
    start: float | None = None,
    end: float | None = None,
    added_by: str = "",
    credits: str = "",
    source: str = "",
    licence: str = "",
    limits: IngestLimits = IngestLimits(),
    progress: Progress = lambda stage, fraction: None,
    warn: Callable[[str], None] = lambda message: None,
    replace: bool = True,
) -> Template:
    """Build the template `destination` from a clip; nothing is left behind if it fails or is interrupted.

    A template already at `destination` is swapped for the new one in one step, or, with replace=False,
    kept: TemplateExists is raised (when it appeared while this one was being built, say).
    """
    video, destination = Path(video), Path(destination)
    check_slug(slug)
    info, begin, finish = _check_clip(video, start, end, limits)
    boxes = _track_faces(video, info, begin, finish, limits, progress)
    square = _tube_square(boxes)
    destination.parent.mkdir(parents=True, exist_ok=True)
    # Everything is built in a hidden sibling folder and renamed into place in one step.
    work = Path(tempfile.mkdtemp(prefix=f".{slug}.building-", dir=destination.parent))
    try:
        work.chmod(FOLDER_MODE)  # mkdtemp makes it 0700
        if info.has_audio:
            extract_audio(video, work / AUDIO_FILE, begin, finish)
        else:
            warn(f"{video.name} has no sound; the template will render silent videos.")
        frame_count = _write_clip_and_landmarks(video, square, boxes, begin, finish, work, progress)
        _write_preview(work, info.has_audio, frame_count)
        write_meta(work, TemplateMeta(
            slug=slug, title=title or slug.replace("-", " ").title(), duration=frame_count / TEMPLATE_FPS,
            fps=TEMPLATE_FPS, frame_count=frame_count, has_audio=info.has_audio, credits=credits, source=source,
            licence=licence, added_by=added_by, added_at=datetime.now(UTC).isoformat(timespec="seconds"),
        ))
        _move_into_place(work, destination, slug, replace)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return Template(destination)


def _move_into_place(work: Path, destination: Path, slug: str, replace: bool) -> None:
    """Rename the finished folder to `destination`; readers see the old template or the new one, never neither."""
    if not (destination / META_FILE).exists() or not replace:
        try:
            work.rename(destination)  # atomic; refused when a (non-empty) folder is there
            return
        except OSError:
            if not destination.exists():
                raise
            if not replace and (destination / META_FILE).exists():
                raise TemplateExists(slug) from None
    # Move the old one aside, put the new one in, then delete the old one; on any failure, put the old one back.
    aside = move_aside(destination, slug)
    try:
        work.rename(destination)
    except BaseException:
        aside.rename(destination)
        raise
    shutil.rmtree(aside, ignore_errors=True)
