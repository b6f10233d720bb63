"""The catalogue of song templates users can pick from."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from bot.store.database import Database
from bot.store.models import Template


@dataclass(frozen=True)
class TemplateInfo:
    """A template as a user sees it."""

    slug: str
    title: str
    duration_seconds: float


class Templates:
    """Lists and registers templates; the render workers find their files by slug."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def list(self) -> list[TemplateInfo]:
        """Every template, by slug."""
        async with self._db.transaction() as session:
            rows = await session.scalars(select(Template).order_by(Template.slug))
            return [TemplateInfo(row.slug, row.title, row.duration_seconds) for row in rows]

    async def register(self, slug: str, title: str, duration_seconds: float, path: Path, added_by: str) -> None:
        """Add a template, or update the one with this slug."""
        async with self._db.transaction() as session:
            template = await session.get(Template, slug) or Template(slug=slug)
            template.title = title
            template.duration_seconds = duration_seconds
            template.path = str(path)
            template.added_by = added_by
            session.add(template)
