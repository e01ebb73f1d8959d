"""Live chat: live_messages (what staff and the chat itself say in a customer's chat window).

Revision ID: 0003
Revises: 0002
Create Date: 2024-12-09

Hand-written and frozen like 0001 and 0002 (values copied, not imported).
A new table only: no existing table changes.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | tuple[str, ...] | None = None
depends_on: str | tuple[str, ...] | None = None

LIVE_MESSAGE_ROLES = ("agent", "system")


def upgrade() -> None:
    roles = ", ".join(f"'{role}'" for role in LIVE_MESSAGE_ROLES)
    op.create_table(
        "live_messages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("conversation_id", sa.String(255), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("author_name", sa.String(128), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_messages")),
        sa.CheckConstraint(f"role IN ({roles})", name=op.f("ck_live_messages_role")),
    )
    op.create_index(op.f("ix_live_messages_conversation_id"), "live_messages", ["conversation_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_live_messages_conversation_id"), table_name="live_messages")
    op.drop_table("live_messages")
