"""The render queue: job rows run by worker processes, on this machine or in a cluster, with events for subscribers."""
from bot.queue.events import Cancelled, Failed, Finished, JobEvent, Progress, Queued, Started
from bot.queue.local import LocalRenderQueue
from bot.queue.protocol import RenderQueue, WorkerFailed

__all__ = [
    "Cancelled",
    "Failed",
    "Finished",
    "JobEvent",
    "LocalRenderQueue",
    "Progress",
    "Queued",
    "RenderQueue",
    "Started",
    "WorkerFailed",
]
