"""What every request handler needs: settings, database, keys, hashers, limiter, templates."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from peacetable.web.config import WebSettings
from peacetable.web.db import Database
from peacetable.web.keys import SigningKey, load_secret, load_signing_key
from peacetable.web.security import Passwords, RateLimiter


def make_templates() -> Environment:
    """The Jinja2 environment: package templates, every value escaped unless marked safe."""
    return Environment(
        loader=PackageLoader("peacetable.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


@dataclass
class ServerContext:
    """Shared, thread-safe state of one server process."""

    settings: WebSettings
    db: Database
    key: SigningKey
    secret: bytes
    passwords: Passwords
    limiter: RateLimiter
    templates: Environment = field(default_factory=make_templates)
    cache: dict[Any, Any] = field(default_factory=dict)

    @classmethod
    def open(cls, settings: WebSettings, migrate: bool = True) -> ServerContext:
        """Connect to the database and load or create the key files.

        With *migrate* (the main process), also bring the schema up to date and
        register the signing key; worker processes started after that pass ``False``.
        """
        db = Database.connect(settings.url)
        if migrate:
            db.migrate()
        ctx = cls(
            settings=settings,
            db=db,
            key=load_signing_key(settings.key_path),
            secret=load_secret(settings.secret_path),
            passwords=Passwords(settings.passwords),
            limiter=RateLimiter(settings.rate_limits),
        )
        if migrate:
            from peacetable.web.record import register_key

            with db.writing() as session:
                register_key(session, ctx.key)
        return ctx

    def link(self, path: str) -> str:
        """An absolute link to *path* on this server."""
        return self.settings.base_url.rstrip("/") + path
