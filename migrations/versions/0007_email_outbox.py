"""Email to customers: email_messages (the outbox), email_attempts, email_suppressions.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06

Hand-written and frozen like the earlier revisions (values copied, not
imported).  New tables only: no existing table changes.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | tuple[str, ...] | None = None
depends_on: str | tuple[str, ...] | None = None

EMAIL_STATUSES = ("pending", "sent", "failed", "suppressed")


def timestamp(name: str, *, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    statuses = ", ".join(f"'{status}'" for status in EMAIL_STATUSES)
    op.create_table(
        "email_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("dedupe_key", sa.String(64), nullable=False),
        sa.Column("to_address", sa.String(320), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("text_body", sa.Text(), nullable=False),
        sa.Column("html_body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        timestamp("next_attempt_at", nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        timestamp("created_at"),
        timestamp("updated_at"),
        timestamp("sent_at", nullable=True),
        sa.Column("response", sa.String(32), nullable=True),
        timestamp("responded_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_messages")),
        sa.UniqueConstraint("ticket_id", "kind", "dedupe_key", name=op.f("uq_email_messages_ticket_id_kind_dedupe_key")),
        sa.CheckConstraint(f"status IN ({statuses})", name=op.f("ck_email_messages_status")),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_email_messages_ticket_id_tickets"), ondelete="CASCADE"
        ),
    )
    op.create_index(op.f("ix_email_messages_ticket_id"), "email_messages", ["ticket_id"])
    op.create_index(op.f("ix_email_messages_next_attempt_at"), "email_messages", ["next_attempt_at"])
    op.create_index(op.f("ix_email_messages_sent_at"), "email_messages", ["sent_at"])
    op.create_table(
        "email_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        timestamp("at"),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_attempts")),
        sa.UniqueConstraint("message_id", "number", name=op.f("uq_email_attempts_message_id_number")),
        sa.ForeignKeyConstraint(
            ["message_id"], ["email_messages.id"],
            name=op.f("fk_email_attempts_message_id_email_messages"), ondelete="CASCADE",
        ),
    )
    op.create_table(
        "email_suppressions",
        sa.Column("email", sa.String(320), nullable=False),
        timestamp("at"),
        sa.PrimaryKeyConstraint("email", name=op.f("pk_email_suppressions")),
    )


def downgrade() -> None:
    op.drop_table("email_suppressions")
    op.drop_table("email_attempts")
    op.drop_index(op.f("ix_email_messages_sent_at"), table_name="email_messages")
    op.drop_index(op.f("ix_email_messages_next_attempt_at"), table_name="email_messages")
    op.drop_index(op.f("ix_email_messages_ticket_id"), table_name="email_messages")
    op.drop_table("email_messages")
