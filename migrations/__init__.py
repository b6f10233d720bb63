"""Alembic migrations of the bot's database, installed as the package bot.store.migrations (see bot.store.migrate)."""
