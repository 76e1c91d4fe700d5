"""Run the mediation server with uvicorn (what ``peacetable serve`` does)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from peacetable.web.config import WebSettings


def run(
    settings: WebSettings,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    forwarded_allow_ips: str = "127.0.0.1",
    new_setup_link: bool = False,
    workers: int = 1,
    log_level: str = "info",
    announce: Callable[[str], None] = print,
) -> None:
    """Migrate the database, print the address (and a set-up link when needed), and serve.

    With ``workers > 1``, that many processes serve the same database (the
    parent migrates it and makes the key files first).
    """
    import os

    import uvicorn

    from peacetable.web.app import SETTINGS_ENV, create_app
    from peacetable.web.context import ServerContext
    from peacetable.web.services.accounts import create_setup_link, first_start_link

    ctx = ServerContext.open(settings)
    link = first_start_link(ctx)
    if link is None and new_setup_link:
        link = create_setup_link(ctx)
    announce(f"peacetable mediation server: {settings.base_url}")
    announce(f"data: {settings.url if settings.database_url is None else 'the database given'}")
    if link is not None:
        announce(f"one-time set-up link for an organiser account (keep it private): {link}")
    if workers > 1:
        ctx.db.dispose()
        os.environ[SETTINGS_ENV] = settings.to_json()
        target: Any = "peacetable.web.app:app_from_environment"
    else:
        target = create_app(ctx=ctx)
    uvicorn.run(
        target,
        factory=workers > 1,
        workers=workers if workers > 1 else None,
        host=host,
        port=port,
        log_level=log_level,
        proxy_headers=True,
        forwarded_allow_ips=forwarded_allow_ips,
        server_header=False,
        timeout_keep_alive=75,  # longer than clients and proxies keep idle connections
    )
