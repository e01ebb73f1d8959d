"""Production profile: conversation_stats (from the event broker) and held_complaints.

Revision ID: 0006
Revises: 0005
Create Date: 2024-12-10

Hand-written and frozen like the earlier revisions (values copied, not
imported).  New tables only: no existing table changes.

- ``conversation_stats``: counters per conversation that
  ``calmdesk.operations.broker_consumer`` keeps from the events Rasa publishes.
- ``held_complaints``: complaints Rasa tried to file while no action server
  answered; ``calmdesk.desk.holding`` keeps them and files them once one is back.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | tuple[str, ...] | None = None
depends_on: str | tuple[str, ...] | None = None

ANGER_LEVELS = ("calm", "frustrated", "angry", "abusive")


def timestamp(name: str, *, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    levels = ", ".join(f"'{level}'" for level in ANGER_LEVELS)
    op.create_table(
        "conversation_stats",
        sa.Column("conversation_id", sa.String(255), nullable=False),
        sa.Column("messages_in", sa.Integer(), nullable=False),
        sa.Column("bot_messages", sa.Integer(), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("last_anger", sa.String(20), nullable=True),
        timestamp("last_event_at", nullable=True),
        timestamp("updated_at"),
        sa.PrimaryKeyConstraint("conversation_id", name=op.f("pk_conversation_stats")),
        sa.CheckConstraint(
            f"last_anger IS NULL OR last_anger IN ({levels})", name=op.f("ck_conversation_stats_last_anger")
        ),
    )
    op.create_table(
        "held_complaints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(255), nullable=False),
        sa.Column("action", sa.String(100), nullable=False),
        sa.Column("request", sa.Text(), nullable=False),
        timestamp("held_at"),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        timestamp("delivered_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_held_complaints")),
    )
    op.create_index(op.f("ix_held_complaints_conversation_id"), "held_complaints", ["conversation_id"])
    op.create_index(op.f("ix_held_complaints_delivered_at"), "held_complaints", ["delivered_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_held_complaints_delivered_at"), table_name="held_complaints")
    op.drop_index(op.f("ix_held_complaints_conversation_id"), table_name="held_complaints")
    op.drop_table("held_complaints")
    op.drop_table("conversation_stats")
