"""Alembic environment: migrations run on the connection the server hands over."""

from __future__ import annotations

from alembic import context

from peacetable.web.models import Base


def run_migrations() -> None:
    """Run the migrations on ``config.attributes["connection"]``."""
    connection = context.config.attributes["connection"]
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if hasattr(context, "config"):  # only when Alembic runs this file (not when a tool imports it)
    run_migrations()
