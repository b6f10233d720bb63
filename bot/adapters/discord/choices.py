"""Autocomplete for template names: what the user typed, matched against slugs and titles."""
from __future__ import annotations

from discord import app_commands

from bot.service import MemeService

# Discord shows at most 25 choices, with names of at most 100 characters.
MAX_CHOICES = 25
MAX_CHOICE_NAME = 100


async def template_choices(service: MemeService, typed: str) -> list[app_commands.Choice[str]]:
    """The templates whose slug or title contains what was typed, as `Title (slug)`."""
    typed = typed.casefold()
    matching = [t for t in await service.templates.list() if typed in t.slug.casefold() or typed in t.title.casefold()]
    return [
        app_commands.Choice(name=f"{t.title} ({t.slug})"[:MAX_CHOICE_NAME], value=t.slug)
        for t in matching[:MAX_CHOICES]
    ]
