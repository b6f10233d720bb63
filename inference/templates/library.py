"""All templates a deployment offers: the shipped ones and those its admins added."""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from inference.errors import InputError
from inference.templates.ingest import check_slug, ingest
from inference.templates.template import META_FILE, Template

SHIPPED_TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"


class TemplateNotFound(InputError):
    """No template has that name."""


class TemplateLibrary:
    """Templates in the shipped folder and in the admins' folder; the admins' folder is never overwritten by upgrades."""

    def __init__(self, added_dir: Path | str, shipped_dir: Path | str = SHIPPED_TEMPLATES_DIR) -> None:
        self.added_dir = Path(added_dir)
        self.shipped_dir = Path(shipped_dir)

    def _folders(self) -> dict[str, Path]:
        found: dict[str, Path] = {}
        for root in (self.shipped_dir, self.added_dir):
            if root.is_dir():
                # Hidden folders are ingests still being built (or interrupted); they are not templates yet.
                found.update({f.name: f for f in sorted(root.iterdir()) if not f.name.startswith(".") and (f / META_FILE).exists()})
        return found

    def list(self) -> list[Template]:
        """Every template, by name."""
        return [Template(folder) for _, folder in sorted(self._folders().items())]

    def get(self, slug: str) -> Template:
        """The template with this name, or TemplateNotFound naming the ones there are."""
        folder = self._folders().get(slug)
        if folder is None:
            names = ", ".join(self._folders()) or "none yet"
            raise TemplateNotFound(f"There is no template called '{slug}'. Available: {names}.")
        return Template(folder)

    def add(self, slug: str, video: Path | str, replace: bool = False, **details) -> Template:
        """Ingest a clip as a new template in the admins' folder (see `ingest` for the details it takes)."""
        check_slug(slug)
        if slug in self._folders() and not replace:
            raise InputError(f"A template called '{slug}' exists already; pick another name or replace it.")
        return ingest(video, self.added_dir / slug, slug, **details)

    def remove(self, slug: str) -> None:
        """Delete an added template; shipped ones cannot be removed."""
        template = self.get(slug)
        if template.folder.parent.resolve() != self.added_dir.resolve():
            raise InputError(f"'{slug}' ships with memebot and cannot be removed.")
        shutil.rmtree(template.folder)


def clip_template(video: Path | str, cache_dir: Path | str, **details) -> Template:
    """A template for a raw driving clip, cached by the clip's content so its motion is computed only once."""
    digest = hashlib.sha256()
    with open(video, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    slug = f"clip-{digest.hexdigest()[:16]}"
    folder = Path(cache_dir) / slug
    if (folder / META_FILE).exists():
        return Template(folder)
    return ingest(video, folder, slug, title=Path(video).stem, **details)
