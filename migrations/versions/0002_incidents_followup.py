"""Incidents and follow-up: incidents, incident_updates, incident_tickets, satisfactions, tickets.follow_up_at.

Revision ID: 0002
Revises: 0001
Create Date: 2024-12-02

Hand-written, frozen like 0001 (values copied, not imported from taxonomy).

The one change to an existing table is a plain nullable column on
``tickets``, added with ``ALTER TABLE ... ADD COLUMN`` on every backend.  On
SQLite that must never become a table rebuild (Alembic's batch mode): the app
enforces foreign keys, and dropping the old ``tickets`` table during a rebuild
would cascade-delete every remedy and transcript line.  That is why tickets
link to incidents through their own table instead of a new foreign-key column.
The downgrade drops the column natively (SQLite 3.35+); on an older SQLite it
rebuilds ``tickets`` with foreign-key enforcement switched off for the rebuild.
"""
from __future__ import annotations

import sqlite3
from typing import Iterable

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
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
INCIDENT_STATUSES = ("suggested", "open", "closed")
ACTIVE_INCIDENT_STATUSES = ("suggested", "open")


def one_of(table: str, column: str, allowed: Iterable[str]) -> sa.CheckConstraint:
    values = ", ".join(f"'{value}'" for value in allowed)
    return sa.CheckConstraint(f"{column} IN ({values})", name=op.f(f"ck_{table}_{column}"))


def timestamp(name: str, *, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(16), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("public_message", sa.Text(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        timestamp("started_at"),
        timestamp("created_at"),
        timestamp("updated_at"),
        timestamp("closed_at", nullable=True),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents")),
        sa.UniqueConstraint("reference", name=op.f("uq_incidents_reference")),
        one_of("incidents", "category", CATEGORIES),
        one_of("incidents", "status", INCIDENT_STATUSES),
        sa.CheckConstraint(
            "(status = 'closed' AND closed_at IS NOT NULL) OR (status <> 'closed' AND closed_at IS NULL)",
            name=op.f("ck_incidents_closed_at"),
        ),
    )
    active = "status IN (" + ", ".join(f"'{status}'" for status in ACTIVE_INCIDENT_STATUSES) + ")"
    op.create_index(
        op.f("ix_incidents_active_category"),
        "incidents",
        ["category"],
        unique=True,
        sqlite_where=sa.text(active),
        postgresql_where=sa.text(active),
    )

    op.create_table(
        "incident_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("author", sa.String(128), nullable=False),
        timestamp("at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_updates")),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_updates_incident_id_incidents"),
            ondelete="CASCADE",
        ),
    )
    op.create_index(op.f("ix_incident_updates_incident_id"), "incident_updates", ["incident_id"])

    op.create_table(
        "incident_tickets",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        timestamp("linked_at"),
        sa.PrimaryKeyConstraint("ticket_id", name=op.f("pk_incident_tickets")),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_incident_tickets_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_tickets_incident_id_incidents"),
            ondelete="CASCADE",
        ),
    )
    op.create_index(op.f("ix_incident_tickets_incident_id"), "incident_tickets", ["incident_id"])

    op.create_table(
        "satisfactions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        timestamp("at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_satisfactions")),
        sa.UniqueConstraint("ticket_id", name=op.f("uq_satisfactions_ticket_id")),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_satisfactions_ticket_id_tickets"), ondelete="CASCADE"
        ),
        sa.CheckConstraint("score >= 1 AND score <= 5", name=op.f("ck_satisfactions_score")),
    )

    # Plain ADD COLUMN on every backend (see the module docstring: never a rebuild).
    op.add_column("tickets", timestamp("follow_up_at", nullable=True))
    op.create_index(op.f("ix_tickets_follow_up_at"), "tickets", ["follow_up_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_tickets_follow_up_at"), table_name="tickets")
    if op.get_bind().dialect.name == "sqlite" and sqlite3.sqlite_version_info < (3, 35, 0):
        _rebuild_tickets_without_follow_up_at()
    else:
        op.drop_column("tickets", "follow_up_at")

    op.drop_table("satisfactions")
    op.drop_index(op.f("ix_incident_tickets_incident_id"), table_name="incident_tickets")
    op.drop_table("incident_tickets")
    op.drop_index(op.f("ix_incident_updates_incident_id"), table_name="incident_updates")
    op.drop_table("incident_updates")
    op.drop_index(op.f("ix_incidents_active_category"), table_name="incidents")
    op.drop_table("incidents")


def _rebuild_tickets_without_follow_up_at() -> None:
    """SQLite before 3.35 has no DROP COLUMN: rebuild the table, foreign keys off meanwhile.

    PRAGMA foreign_keys only takes effect outside a transaction, hence the
    autocommit blocks; with it on, dropping the old table would cascade into
    remedies and transcript_entries.  (On failure the migration's transaction
    rolls back and its connection is discarded, pragma and all.)
    """
    context = op.get_context()
    with context.autocommit_block():
        op.execute("PRAGMA foreign_keys=OFF")
    with op.batch_alter_table("tickets", recreate="always") as batch:
        batch.drop_column("follow_up_at")
    with context.autocommit_block():
        op.execute("PRAGMA foreign_keys=ON")
