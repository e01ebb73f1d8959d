"""Initial schema: customers, tickets, remedies, remedy_events, transcript_entries.

Revision ID: 0001
Revises:
Create Date: 2024-11-23

Hand-written.  Migrations are frozen snapshots: the allowed values below are
copied from calmdesk/taxonomy.py as it was when this was written, not
imported, so that changing the taxonomy later needs (and gets) its own
migration.  Constraint names follow calmdesk.models.NAMING_CONVENTION and are
wrapped in op.f() so they are used exactly as written.
"""
from __future__ import annotations

from typing import Iterable

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | tuple[str, ...] | None = None
depends_on: str | tuple[str, ...] | None = None

CATEGORIES = (
    "delivery_problem",
    "damaged_or_wrong_item",
    "billing_problem",
    "payment_failed",
    "account_access",
    "service_outage",
    "cancellation",
    "refund_request",
    "staff_complaint",
    "product_defect",
    "other",
)
ANGER_LEVELS = ("calm", "frustrated", "angry", "abusive")
PRIORITIES = ("low", "normal", "high", "urgent")
TICKET_STATUSES = ("open", "awaiting_agent", "resolved", "closed")
REMEDY_KINDS = ("refund", "replacement", "discount", "store_credit", "expedited_reship", "goodwill")
REMEDY_STATUSES = ("offered", "accepted", "declined", "fulfilled")
REMEDY_UNITS = ("percent", "currency")
TRANSCRIPT_SENDERS = ("customer", "bot", "agent")


def one_of(table: str, column: str, allowed: Iterable[str], *, nullable: bool = False) -> sa.CheckConstraint:
    values = ", ".join(f"'{value}'" for value in allowed)
    condition = f"{column} IN ({values})"
    if nullable:
        condition = f"{column} IS NULL OR {condition}"
    return sa.CheckConstraint(condition, name=op.f(f"ck_{table}_{column}"))


def timestamp(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "customers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
        sa.UniqueConstraint("email", name=op.f("uq_customers_email")),
    )

    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(16), nullable=False),
        sa.Column("conversation_id", sa.String(255), nullable=False),
        sa.Column("complaint_seq", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("anger_level", sa.String(20), nullable=False),
        sa.Column("priority", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("handoff", sa.Boolean(), nullable=False),
        sa.Column("recurrent", sa.Boolean(), nullable=False),
        sa.Column("order_number", sa.String(64), nullable=True),
        sa.Column("customer_email", sa.String(320), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        timestamp("created_at"),
        timestamp("updated_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tickets")),
        sa.UniqueConstraint("reference", name=op.f("uq_tickets_reference")),
        sa.UniqueConstraint(
            "conversation_id", "complaint_seq", name=op.f("uq_tickets_conversation_id_complaint_seq")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_tickets_customer_id_customers"),
            ondelete="SET NULL",
        ),
        one_of("tickets", "category", CATEGORIES),
        one_of("tickets", "anger_level", ANGER_LEVELS),
        one_of("tickets", "priority", PRIORITIES),
        one_of("tickets", "status", TICKET_STATUSES),
    )
    op.create_index(op.f("ix_tickets_conversation_id"), "tickets", ["conversation_id"])
    op.create_index(op.f("ix_tickets_customer_id"), "tickets", ["customer_id"])

    op.create_table(
        "remedies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("amount", sa.Numeric(12, 2), nullable=True),
        sa.Column("unit", sa.String(16), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        timestamp("created_at"),
        timestamp("updated_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_remedies")),
        sa.UniqueConstraint("ticket_id", "kind", name=op.f("uq_remedies_ticket_id_kind")),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_remedies_ticket_id_tickets"), ondelete="CASCADE"
        ),
        one_of("remedies", "kind", REMEDY_KINDS),
        one_of("remedies", "status", REMEDY_STATUSES),
        one_of("remedies", "unit", REMEDY_UNITS, nullable=True),
    )

    op.create_table(
        "remedy_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("remedy_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        timestamp("at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_remedy_events")),
        sa.ForeignKeyConstraint(
            ["remedy_id"],
            ["remedies.id"],
            name=op.f("fk_remedy_events_remedy_id_remedies"),
            ondelete="CASCADE",
        ),
        one_of("remedy_events", "status", REMEDY_STATUSES),
    )
    op.create_index(op.f("ix_remedy_events_remedy_id"), "remedy_events", ["remedy_id"])

    op.create_table(
        "transcript_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("sender", sa.String(20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        timestamp("at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transcript_entries")),
        sa.UniqueConstraint("ticket_id", "position", name=op.f("uq_transcript_entries_ticket_id_position")),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_transcript_entries_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        one_of("transcript_entries", "sender", TRANSCRIPT_SENDERS),
    )


def downgrade() -> None:
    op.drop_table("transcript_entries")
    op.drop_index(op.f("ix_remedy_events_remedy_id"), table_name="remedy_events")
    op.drop_table("remedy_events")
    op.drop_table("remedies")
    op.drop_index(op.f("ix_tickets_customer_id"), table_name="tickets")
    op.drop_index(op.f("ix_tickets_conversation_id"), table_name="tickets")
    op.drop_table("tickets")
    op.drop_table("customers")
