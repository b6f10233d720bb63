"""Cross-render batching: one model thread generates the frames of several concurrent renders in shared calls.

A GPU is only busy with many frames per call, while one render offers a few at a time to its encoder; so the
renders of one worker hand their frames here, a model thread fills each call of `batch_frames` frames from
every render in turn, and each render gets its own frames back, in order, as an Animator's batches.
"""
from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import torch

from inference.animator import DrivingMotion, SourceFace
from inference.fomm.animator import FOMMAnimator, PreparedRender, to_uint8
from inference.fomm.dense_motion import MotionSource
from inference.fomm.generator import SourceEncoding

# Frames per model call on a GPU: about where an H100's frames/s stop growing at 256x256 (to be confirmed there).
DEFAULT_BATCH_FRAMES = 32


@dataclass(eq=False)
class _Render:
    """One render being served: what it asked for, its progress, and the queue its frames go back through."""

    face: SourceFace
    motion: DrivingMotion
    initial_frame: int
    results: queue.Queue = field(default_factory=queue.Queue)  # uint8 (n, H, W, 3) batches, then None or an error
    prepared: PreparedRender | None = None
    next_frame: int = 0

    @property
    def frames_left(self) -> int:
        assert self.prepared is not None, "a render is prepared when admitted"
        return self.prepared.frame_count - self.next_frame


@dataclass(frozen=True)
class _Delivery:
    """A render's frames from one model call (still being copied to host memory from a GPU)."""

    render: _Render
    frames: torch.Tensor  # (n, H, W, 3) uint8
    last: bool  # the render's last frames


def share_slots(frames_left: list[int], slots: int, first: int) -> list[int]:
    """Frames each render gets in one call: one slot each in turn from render `first`, none beyond its frames."""
    taken = [0] * len(frames_left)
    while slots and any(t < left for t, left in zip(taken, frames_left, strict=True)):
        for i in range(len(frames_left)):
            j = (first + i) % len(frames_left)
            if slots and taken[j] < frames_left[j]:
                taken[j] += 1
                slots -= 1
    return taken


def stack_encodings(parts: list[tuple[SourceEncoding, int]]) -> SourceEncoding:
    """One encoding holding each (encoding, n) part's source n times, for a call mixing frames of several sources."""
    def stacked(tensors: list[torch.Tensor]) -> torch.Tensor:
        return torch.cat([t.expand(n, *t.shape[1:]) for t, (_, n) in zip(tensors, parts, strict=True)])

    motions = [encoding.motion for encoding, _ in parts]
    return SourceEncoding(
        features=stacked([encoding.features for encoding, _ in parts]),
        motion=MotionSource(*(stacked([getattr(m, name) for m in motions])
                              for name in ("image", "gaussians", "kp_value", "kp_jacobian"))))


class FrameBatcher:
    """An Animator that several threads may use at once: their frames share model calls on one model thread.

    animate() blocks its caller's thread on its own frames only; the renders admitted first are not favoured, every
    call takes a frame from each render in turn (starting one render further each call).
    """

    backend = "fomm"

    def __init__(self, animator: FOMMAnimator, batch_frames: int = DEFAULT_BATCH_FRAMES) -> None:
        if batch_frames < 1:
            raise ValueError("batch_frames must be at least 1")
        self.animator = animator
        self.batch_frames = batch_frames
        self.model_calls = 0  # read by the throughput benchmark
        self.shared_calls = 0  # model calls that held the frames of more than one render
        self._waiting: queue.Queue[_Render | None] = queue.Queue()
        self._thread = threading.Thread(target=self._serve, name="fomm-batcher", daemon=True)
        self._thread.start()

    def animate(self, face: SourceFace, motion: DrivingMotion, initial_frame: int) -> Iterator[np.ndarray]:
        render = _Render(face, motion, initial_frame)
        self._waiting.put(render)
        while (batch := render.results.get()) is not None:
            if isinstance(batch, BaseException):
                raise batch
            yield batch

    def close(self) -> None:
        """Stop the model thread once the renders it holds are done."""
        self._waiting.put(None)
        self._thread.join()

    def _serve(self) -> None:
        active: list[_Render] = []
        try:
            self._schedule(active)
        except BaseException as error:  # a failure outside a model call: no render may wait for frames forever
            for render in active:
                render.results.put(error)
            while (waiting := self._waiting.get()) is not None:
                waiting.results.put(error)

    def _schedule(self, active: list[_Render]) -> None:
        """Admit renders and run model calls until close() and the last render's frames are out."""
        first = 0
        in_flight: list[_Delivery] = []
        closing = False
        while active or not closing:
            closing = self._admit(active, block=not active and not in_flight) or closing
            if not active:
                self._deliver(in_flight)
                in_flight = []
                continue
            taken = share_slots([render.frames_left for render in active], self.batch_frames, first % len(active))
            first += 1
            calls = [(render, n) for render, n in zip(active, taken, strict=True) if n]
            try:
                launched = self._generate(calls)
            except Exception as error:  # the renders in this call fail; the others go on
                for render, _ in calls:
                    render.results.put(error)
                    active.remove(render)
                continue
            # deliver the previous call's frames only now, so that a GPU is never idle waiting for the copy back
            self._deliver(in_flight)
            in_flight = launched
            for render in [render for render, _ in calls if render.frames_left == 0]:
                active.remove(render)
        self._deliver(in_flight)

    def _admit(self, active: list[_Render], block: bool) -> bool:
        """Prepare the renders that arrived (waiting for one if `block`); True once close() was called."""
        while True:
            try:
                render = self._waiting.get(block=block)
            except queue.Empty:
                return False
            if render is None:
                return True
            block = False
            try:
                render.prepared = self.animator.prepare(render.face, render.motion, render.initial_frame)
            except Exception as error:
                render.results.put(error)
                continue
            if render.frames_left:
                active.append(render)
            else:
                render.results.put(None)

    def _generate(self, calls: list[tuple[_Render, int]]) -> list[_Delivery]:
        """One model call over the renders' next frames; their uint8 frames on their way to host memory."""
        parts, kp_parts = [], []
        for render, n in calls:
            assert render.prepared is not None, "admitted renders are prepared"
            parts.append((render.prepared.encoding, n))
            kp_parts.append({name: kp[render.next_frame:render.next_frame + n]
                             for name, kp in render.prepared.kp_driving.items()})
            render.next_frame += n
        model = self.animator.model
        kp_driving = {name: torch.cat([kp[name] for kp in kp_parts]) for name in ("value", "jacobian")}
        encoding = parts[0][0] if len(parts) == 1 else stack_encodings(parts)
        frames = to_uint8(model.generate(encoding, kp_driving))
        if frames.device.type == "cuda":  # asynchronous into pinned memory: _deliver waits, after the next call
            frames = torch.empty(frames.shape, dtype=torch.uint8, pin_memory=True).copy_(frames, non_blocking=True)
        self.model_calls += 1
        self.shared_calls += len(calls) > 1
        return [_Delivery(render, chunk, last=render.frames_left == 0)
                for (render, _), chunk in zip(calls, frames.split([n for _, n in calls]), strict=True)]

    @staticmethod
    def _deliver(in_flight: list[_Delivery]) -> None:
        """Hand each render its frames of a finished call, and the end of its frames after its last ones."""
        if any(delivery.frames.is_pinned() for delivery in in_flight):
            torch.cuda.current_stream().synchronize()
        for delivery in in_flight:
            delivery.render.results.put(delivery.frames.numpy())
            if delivery.last:
                delivery.render.results.put(None)
