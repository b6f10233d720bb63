"""The Prometheus registry and every memebot_... metric, with the hooks that count into them."""
from __future__ import annotations

import functools
import re
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

JOBS_ACCEPTED = Counter("memebot_jobs_accepted", "Render requests queued, by backend", ["backend"], registry=REGISTRY)
JOBS_REFUSED = Counter("memebot_jobs_refused", "Render requests refused, by reason", ["reason"], registry=REGISTRY)
JOBS_CACHED = Counter("memebot_jobs_cached", "Render requests answered from the render cache", registry=REGISTRY)
JOBS_FINISHED = Counter("memebot_jobs_finished", "Renders that made a video, by backend", ["backend"],
                        registry=REGISTRY)
JOBS_FAILED = Counter("memebot_jobs_failed", "Jobs that ended without a video, by reason", ["reason"],
                      registry=REGISTRY)
QUOTA_REFUSALS = Counter("memebot_quota_refusals", "Requests refused by a quota, by which one", ["quota"],
                         registry=REGISTRY)
# Renders on a CPU take seconds (landmarks) to minutes (FOMM); frame rates span the GPU's hundreds.
RENDER_SECONDS = Histogram("memebot_render_seconds", "Time a render took, by backend", ["backend"],
                           buckets=(0.5, 1, 2, 5, 10, 30, 60, 120, 300), registry=REGISTRY)
RENDER_FPS = Histogram("memebot_render_frames_per_second", "Frames rendered per second, by backend", ["backend"],
                       buckets=(1, 2, 5, 10, 25, 50, 100, 200, 500), registry=REGISTRY)
DELIVERY_RETRIES = Counter("memebot_delivery_retries", "Deliveries that failed and are tried again at the next start, "
                           "by platform", ["platform"], registry=REGISTRY)
QUEUE_DEPTH = Gauge("memebot_queue_depth", "Jobs waiting for a render worker", registry=REGISTRY)
# Read when scraped, from the render processes this process runs (the cluster bot runs none: its workers say).
WORKERS_ALIVE = Gauge("memebot_workers_alive", "Render worker processes running here", registry=REGISTRY)
JOBS_RUNNING = Gauge("memebot_jobs_running", "Jobs being rendered now", registry=REGISTRY)

# The refusals that are a quota's, by the service's error class.
QUOTAS = {"QuotaExceeded": "user_daily", "ChatQuotaExceeded": "chat_daily", "TooManyJobs": "jobs_in_flight"}

P = ParamSpec("P")
R = TypeVar("R")


def counts_requests(
    refusal: type[Exception], cached: type,
) -> Callable[[Callable[P, Awaitable[R]]], Callable[P, Awaitable[R]]]:
    """Decorate the service's render request: count `refusal`s by their class and `cached` answers."""

    def decorate(request: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
        @functools.wraps(request)
        async def counted(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                outcome = await request(*args, **kwargs)
            except refusal as refused:
                kind = type(refused).__name__
                JOBS_REFUSED.labels(_snake(kind)).inc()
                if kind in QUOTAS:
                    QUOTA_REFUSALS.labels(QUOTAS[kind]).inc()
                raise
            if isinstance(outcome, cached):
                JOBS_CACHED.inc()
            return outcome

        return counted

    return decorate


def accepted(backend: str) -> None:
    """A job was queued."""
    JOBS_ACCEPTED.labels(backend).inc()


def rendered(backend: str, frames: int, seconds: float) -> None:
    """A render made its video."""
    JOBS_FINISHED.labels(backend).inc()
    RENDER_SECONDS.labels(backend).observe(seconds)
    if seconds > 0:
        RENDER_FPS.labels(backend).observe(frames / seconds)


def failed(reason: str) -> None:
    """A job ended without a video; `reason` is the user's message, counted by its first sentence (the refund
    note dropped), which names the kind of failure and not the job."""
    JOBS_FAILED.labels(reason.split(". ")[0].rstrip(".")).inc()


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
