"""Registering the slash commands only when they changed, since Discord limits command creates per day."""
from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

from discord import app_commands

log = logging.getLogger(__name__)
SYNCED_COMMANDS_FILE = "synced-commands.sha256"


async def commands_digest(tree: app_commands.CommandTree, application_id: int) -> str:
    """A hash of exactly what a sync would send (translations included, as `tree.sync` makes them), for this
    application."""
    translator = tree.translator
    commands = [await command.get_translated_payload(tree, translator) if translator else command.to_dict(tree)
                for command in tree.get_commands()]
    payload = {"application": application_id, "commands": commands}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


async def sync_if_changed(tree: app_commands.CommandTree, application_id: int, state_dir: Path) -> bool:
    """Sync the global commands unless this exact set was synced before; whether it synced."""
    digest = await commands_digest(tree, application_id)
    stored = state_dir / SYNCED_COMMANDS_FILE
    if stored.is_file() and stored.read_text().strip() == digest:
        log.info("slash commands unchanged since the last sync; not syncing")
        return False
    await tree.sync()
    state_dir.mkdir(parents=True, exist_ok=True)
    partial = stored.with_suffix(".partial")
    partial.write_text(digest + "\n")
    partial.replace(stored)  # a crash mid-write must not leave a hash that matches nothing
    log.info("synced %d slash commands", len(tree.get_commands()))
    return True
