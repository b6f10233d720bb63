"""All templates a deployment offers: the shipped ones and those its admins added."""
from __future__ import annotations

import builtins
import hashlib
import logging
import shutil
from importlib import resources
from pathlib import Path

from inference.errors import InputError
from inference.templates.folders import STALE_WORK_SECONDS, TemplateExists, check_slug, move_aside, sweep_stale_work
from inference.templates.template import META_FILE, Template

# The repository's top-level templates/ folder, installed as this package (see pyproject.toml); a real folder in an
# editable install and a wheel install alike, since memebot is never installed zipped.
SHIPPED_TEMPLATES_DIR = Path(str(resources.files("inference.templates.shipped")))
log = logging.getLogger(__name__)


class TemplateNotFound(InputError):
    """No template has that name."""


class TemplateLibrary:
    """Templates in the shipped folder and in the admins' folder; the admins' folder is never overwritten by
    upgrades."""

    def __init__(self, added_dir: Path | str, shipped_dir: Path | str = SHIPPED_TEMPLATES_DIR) -> None:
        self.added_dir = Path(added_dir)
        self.shipped_dir = Path(shipped_dir)

    def _folders(self) -> dict[str, Path]:
        found: dict[str, Path] = {}
        for root in (self.shipped_dir, self.added_dir):
            if root.is_dir():
                # Hidden folders are ingests still being built (or interrupted); they are not templates yet.
                found.update({
                    f.name: f for f in sorted(root.iterdir()) if not f.name.startswith(".") and (f / META_FILE).exists()
                })
        return found

    def list(self) -> list[Template]:
        """Every readable template, by name; a damaged one is logged and skipped rather than hiding the rest."""
        templates = []
        for slug, folder in sorted(self._folders().items()):
            try:
                templates.append(Template(folder))
            except (OSError, ValueError, TypeError) as error:
                log.warning("skipping template %s: unreadable %s (%s)", slug, META_FILE, error)
        return templates

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
            raise TemplateExists(slug)
        from inference.templates.ingest import ingest  # face tracking: cv2 and dlib, loaded only to ingest

        self.sweep()
        # replace=False again at the end: another admin may have added the name meanwhile.
        return ingest(video, self.added_dir / slug, slug, replace=replace, **details)

    def sweep(self, max_age: float = STALE_WORK_SECONDS) -> builtins.list[Path]:  # list: the method above
        """Delete what killed ingests left in the admins' folder (see `sweep_stale_work`); the folders removed."""
        return sweep_stale_work(self.added_dir, max_age)

    def removable(self, slug: str) -> Template:
        """The added template of this name; InputError for an unknown or a shipped one."""
        template = self.get(slug)
        if template.folder.parent.resolve() != self.added_dir.resolve():
            raise InputError(f"'{slug}' ships with memebot and cannot be removed.")
        return template

    def remove(self, slug: str) -> None:
        """Delete an added template; shipped ones cannot be removed."""
        template = self.removable(slug)
        # Gone from listings in one step; a crash while deleting leaves only a hidden folder the sweep removes.
        shutil.rmtree(move_aside(template.folder, slug), ignore_errors=True)


def clip_template(video: Path | str, cache_dir: Path | str, **details) -> Template:
    """A template for a raw driving clip, cached by the clip's content so its motion is computed only once.

    `details` are passed to `ingest`; the cache key is the content alone, so they should not change the result.
    """
    digest = hashlib.sha256()
    with open(video, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    from inference.templates.ingest import ingest

    slug = f"clip-{digest.hexdigest()[:16]}"
    folder = Path(cache_dir) / slug
    if (folder / META_FILE).exists():
        return Template(folder)
    sweep_stale_work(cache_dir)
    details.setdefault("title", Path(video).stem)
    try:
        return ingest(video, folder, slug, replace=False, **details)
    except TemplateExists:  # a render of the same clip finished first; never delete the folder it is reading
        return Template(folder)
