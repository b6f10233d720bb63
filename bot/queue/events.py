"""What subscribers hear about a job, from queued to its outcome."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Queued:
    """Waiting; position 1 runs next."""

    job_id: int
    position: int


@dataclass(frozen=True)
class Started:
    """A worker began rendering (attempt 2 and up: re-run after a restart)."""

    job_id: int
    attempt: int


@dataclass(frozen=True)
class Progress:
    """Frames rendered so far, and the estimated seconds left."""

    job_id: int
    done: int
    total: int
    eta_seconds: float | None


@dataclass(frozen=True)
class Finished:
    """The video is ready at `output`."""

    job_id: int
    output: Path


@dataclass(frozen=True)
class Failed:
    """No video; `reason` is written for the user."""

    job_id: int
    reason: str


@dataclass(frozen=True)
class Cancelled:
    """The job was cancelled, or its owner asked to be forgotten."""

    job_id: int


JobEvent = Queued | Started | Progress | Finished | Failed | Cancelled
FINAL_EVENTS = (Finished, Failed, Cancelled)
