"""Forgotten usage: the day's render count of a user who asked to be forgotten, under a salted hash of their id.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create forgotten_usage."""
    op.create_table(
        "forgotten_usage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("identity_hash", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forgotten_usage")),
        sa.UniqueConstraint("identity_hash", "day", name=op.f("uq_forgotten_usage_identity_hash_day")),
    )


def downgrade() -> None:
    """Drop forgotten_usage."""
    op.drop_table("forgotten_usage")
