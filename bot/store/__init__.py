"""Persistence: models, the async database, repositories and migrations."""
from bot.store.database import Database
from bot.store.migrate import downgrade, upgrade

__all__ = ["Database", "downgrade", "upgrade"]
