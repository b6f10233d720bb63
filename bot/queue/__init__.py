"""The render queue: job rows run by worker processes, with events for subscribers."""
from bot.queue.events import Cancelled, Failed, Finished, JobEvent, Progress, Queued, Started
from bot.queue.local import LocalRenderQueue
from bot.queue.protocol import RenderQueue

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
]
