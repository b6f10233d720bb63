"""The migration scripts; Alembic loads them by file and skips this one."""
