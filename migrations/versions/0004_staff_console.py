"""Staff console: staff_users, staff_sessions, ticket_notes, tickets.claimed_by / claimed_at.

Revision ID: 0004
Revises: 0003
Create Date: 2024-12-09

Hand-written and frozen like the earlier revisions (values copied, not imported).
The two new ``tickets`` columns are plain nullable columns without a foreign
key, added with ``ALTER TABLE ... ADD COLUMN`` on every backend: never a
SQLite table rebuild, which would cascade-delete remedies and transcripts
(see 0002).  ``claimed_by`` holds a staff username, not a staff_users id, for
the same reason.  The downgrade drops them natively (SQLite 3.35+), or
rebuilds ``tickets`` with foreign keys off on an older SQLite.
"""
from __future__ import annotations

import sqlite3

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | tuple[str, ...] | None = None
depends_on: str | tuple[str, ...] | None = None

STAFF_ROLES = ("agent", "admin")


def timestamp(name: str, *, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    roles = ", ".join(f"'{role}'" for role in STAFF_ROLES)
    op.create_table(
        "staff_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(40), nullable=False),
        sa.Column("display_name", sa.String(80), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        timestamp("created_at"),
        timestamp("last_seen_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_users")),
        sa.UniqueConstraint("username", name=op.f("uq_staff_users_username")),
        sa.CheckConstraint(f"role IN ({roles})", name=op.f("ck_staff_users_role")),
    )
    op.create_table(
        "staff_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        timestamp("created_at"),
        timestamp("last_seen_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_staff_sessions_token_hash")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["staff_users.id"], name=op.f("fk_staff_sessions_user_id_staff_users"), ondelete="CASCADE"
        ),
    )
    op.create_index(op.f("ix_staff_sessions_user_id"), "staff_sessions", ["user_id"])
    op.create_table(
        "ticket_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(128), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_notes")),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_ticket_notes_ticket_id_tickets"), ondelete="CASCADE"
        ),
    )
    op.create_index(op.f("ix_ticket_notes_ticket_id"), "ticket_notes", ["ticket_id"])

    # Plain ADD COLUMN on every backend (see the module docstring: never a rebuild).
    op.add_column("tickets", sa.Column("claimed_by", sa.String(128), nullable=True))
    op.add_column("tickets", timestamp("claimed_at", nullable=True))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite" and sqlite3.sqlite_version_info < (3, 35, 0):
        context = op.get_context()
        with context.autocommit_block():
            op.execute("PRAGMA foreign_keys=OFF")
        with op.batch_alter_table("tickets", recreate="always") as batch:
            batch.drop_column("claimed_at")
            batch.drop_column("claimed_by")
        with context.autocommit_block():
            op.execute("PRAGMA foreign_keys=ON")
    else:
        op.drop_column("tickets", "claimed_at")
        op.drop_column("tickets", "claimed_by")
    op.drop_index(op.f("ix_ticket_notes_ticket_id"), table_name="ticket_notes")
    op.drop_table("ticket_notes")
    op.drop_index(op.f("ix_staff_sessions_user_id"), table_name="staff_sessions")
    op.drop_table("staff_sessions")
    op.drop_table("staff_users")
