"""Run the mediation server with uvicorn (what ``peacetable serve`` does)."""

from __future__ import annotations

from collections.abc import Callable

from peacetable.web.config import WebSettings


def run(
    settings: WebSettings,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    forwarded_allow_ips: str = "127.0.0.1",
    new_setup_link: bool = False,
    log_level: str = "info",
    announce: Callable[[str], None] = print,
) -> None:
    """Migrate the database, print the address (and a set-up link when needed), and serve."""
    import uvicorn

    from peacetable.web.app import create_app
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
    uvicorn.run(
        create_app(ctx=ctx),
        host=host,
        port=port,
        log_level=log_level,
        proxy_headers=True,
        forwarded_allow_ips=forwarded_allow_ips,
        server_header=False,
    )
