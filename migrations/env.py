"""Alembic environment: how a migration run reaches the database.

Both entry points end up here: ``alembic ...`` on the command line (settings
from alembic.ini) and ``calmdesk.db.migrate()`` (settings built in code).  The
URL is the one put in the config as ``sqlalchemy.url``, falling back to
``default_database_url()`` ($DATABASE_URL or the SQLite file in var/).  The
engine comes from ``make_engine`` so SQLite gets the same pragmas as the app.

SQLite cannot ALTER most things in place, so migrations run in "batch" mode
there (Alembic copies the table); other databases alter directly.
"""
from __future__ import annotations

import logging.config

from alembic import context

from calmdesk.db import default_database_url, make_engine
from calmdesk.models import Base

config = context.config
target_metadata = Base.metadata

if config.config_file_name is not None and config.file_config.has_section("loggers"):
    logging.config.fileConfig(config.config_file_name, disable_existing_loggers=False)


def database_url() -> str:
    return config.get_main_option("sqlalchemy.url") or default_database_url()


def run_migrations_offline() -> None:
    """``alembic upgrade head --sql``: print the SQL instead of running it."""
    url = database_url()
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=url.startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = make_engine(database_url())
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=connection.dialect.name == "sqlite",
            )
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
