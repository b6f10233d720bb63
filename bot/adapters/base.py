"""What `memebot run` needs of an adapter."""
from __future__ import annotations

from typing import Protocol


class Adapter(Protocol):
    """A running connection to one chat platform."""

    name: str

    async def start(self) -> None:
        """Connect, register handlers and resume undelivered jobs; return once it is serving."""
        ...

    async def stop(self) -> None:
        """Stop taking updates and disconnect (the render queue is stopped after, by the app)."""
        ...
