"""The catalogue of song templates users can pick from, mirrored from the folders the renderers read."""
from __future__ import annotations

import asyncio
import builtins
import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.service.errors import UnknownTemplate
from bot.store.database import Database
from bot.store.models import Template
from inference.api import RendererSettings, template_library
from inference.templates.template import META_FILE, PREVIEW_IMAGE_FILE, PREVIEW_VIDEO_FILE


@dataclass(frozen=True)
class TemplateInfo:
    """A template as a user sees it."""

    slug: str
    title: str
    duration_seconds: float
    preview_image: Path
    preview_video: Path
    credits: str


class Templates:
    """Lists and registers templates; the render workers find their files by slug."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self._db = db
        self._settings = settings

    async def list(self) -> list[TemplateInfo]:
        """Every template, by slug."""
        async with self._db.transaction() as session:
            rows = await session.scalars(select(Template).order_by(Template.slug))
            return [_info(row) for row in rows]

    async def get(self, slug: str) -> TemplateInfo:
        """One template by slug; UnknownTemplate names the others."""
        async with self._db.transaction() as session:
            row = await session.get(Template, slug)
            if row is None:
                available = list(await session.scalars(select(Template.slug).order_by(Template.slug)))
                raise UnknownTemplate(slug, available)
            return _info(row)

    async def unregister(self, session: AsyncSession, slug: str) -> None:
        """Stop offering a template, in the caller's transaction (its files are deleted after)."""
        row = await session.get(Template, slug)
        if row is not None:
            await session.delete(row)

    async def sync(self) -> builtins.list[str]:  # list: the method above
        """Register every template the renderers can find (shipped and admin-added); their slugs."""
        found = await asyncio.to_thread(self._templates_on_disk)
        for slug, title, duration, folder, added_by in found:
            await self.register(slug, title, duration, folder, added_by)
        return [slug for slug, *_ in found]

    async def register(self, slug: str, title: str, duration_seconds: float, path: Path, added_by: str) -> None:
        """Add a template, or update the one with this slug."""
        async with self._db.transaction() as session:
            template = await session.get(Template, slug) or Template(slug=slug)
            template.title = title
            template.duration_seconds = duration_seconds
            template.path = str(path)
            template.added_by = added_by
            session.add(template)

    def _templates_on_disk(self) -> builtins.list[tuple[str, str, float, Path, str]]:
        library = template_library(RendererSettings(**self._settings.renderer_options()))
        return [
            (found.slug, found.meta.title, found.meta.duration, found.folder, found.meta.added_by or "shipped")
            for found in library.list()
        ]


def _info(row: Template) -> TemplateInfo:
    folder = Path(row.path)
    return TemplateInfo(
        row.slug, row.title, row.duration_seconds, folder / PREVIEW_IMAGE_FILE, folder / PREVIEW_VIDEO_FILE,
        _credits(folder),
    )


def _credits(folder: Path) -> str:
    """Who made the template's clip and song, from its template.json ("" if it has none or is gone)."""
    try:
        return str(json.loads((folder / META_FILE).read_text()).get("credits") or "")
    except (OSError, ValueError):  # a cluster bot need not hold the templates' folders
        return ""
