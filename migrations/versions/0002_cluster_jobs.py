"""Jobs for a cluster: the worker that runs a job and its heartbeat, the face found when the photo was inspected
(so a render does not detect it again), the render cache keyed on every input of the video (the exact photo, the
template's version, the backend and weights, the label) instead of the face crop, and
no foreign key from jobs to templates, so a template that jobs used can be removed.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add worker, heartbeat_at, face and cache_key; drop face_digest and the foreign key to templates."""
    with op.batch_alter_table("jobs") as jobs:
        jobs.add_column(sa.Column("worker", sa.String(length=100), nullable=True))
        jobs.add_column(sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True))
        jobs.add_column(sa.Column("face", sa.JSON(), nullable=True))
        jobs.add_column(sa.Column("cache_key", sa.String(length=64), nullable=True))
        jobs.drop_index("ix_jobs_cache_key")
        jobs.drop_column("face_digest")
        jobs.create_index("ix_jobs_cache_key", ["cache_key"])
        jobs.drop_constraint("fk_jobs_template_slug_templates", type_="foreignkey")


def downgrade() -> None:
    """Back to 0001 (old rows get an empty face digest, which matches no new photo)."""
    with op.batch_alter_table("jobs") as jobs:
        jobs.create_foreign_key("fk_jobs_template_slug_templates", "templates", ["template_slug"], ["slug"])
        jobs.drop_index("ix_jobs_cache_key")
        jobs.add_column(sa.Column("face_digest", sa.String(length=128), nullable=False, server_default=""))
        jobs.create_index("ix_jobs_cache_key", ["face_digest", "template_slug", "backend"])
        jobs.drop_column("cache_key")
        jobs.drop_column("face")
        jobs.drop_column("heartbeat_at")
        jobs.drop_column("worker")
