"""Settings of the mediation server and where its data lives.

By default everything lives in the user's data directory (``platformdirs``):
the SQLite database ``peacetable.sqlite3`` and the server's signing key
``signing-key.pem`` and cookie secret ``secret.key``. The key files are kept
apart from the database on purpose: whoever can edit the database cannot
forge the signatures on the record.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path


def default_data_dir() -> Path:
    """The per-user data directory of peacetable (created on first use).

    Examples
    --------
    >>> default_data_dir().name
    'peacetable'
    """
    from platformdirs import user_data_dir

    return Path(user_data_dir("peacetable", appauthor=False))


@dataclass(frozen=True)
class PasswordPolicy:
    """Argon2id cost parameters (RFC 9106, section 4: the second recommended option)."""

    time_cost: int = 3
    memory_cost_kib: int = 65_536
    parallelism: int = 4
    min_length: int = 10


@dataclass(frozen=True)
class RateLimits:
    """Attempts allowed per client address (``limits`` notation, e.g. ``"10/minute"``)."""

    login: str = "10/minute"
    login_per_account: str = "5/minute"
    invite: str = "10/minute"


@dataclass(frozen=True)
class WebSettings:
    """Everything the server is configured with.

    Attributes
    ----------
    data_dir:
        Folder of the SQLite database and the key files.
    database_url:
        SQLAlchemy URL; ``None`` means SQLite in *data_dir*. PostgreSQL:
        ``postgresql+psycopg://user:password@host/db``.
    base_url:
        Public address of the server, used in the links it prints and sends
        (e.g. ``https://talks.example.org`` behind a reverse proxy).
    session_hours:
        Lifetime of a sign-in.
    invite_days:
        Lifetime of an invitation link.
    max_body_bytes:
        Largest request body accepted (scenario uploads, JSON bodies).
    hsts:
        Send ``Strict-Transport-Security`` (only behind TLS).
    """

    data_dir: Path = field(default_factory=default_data_dir)
    database_url: str | None = None
    base_url: str = "http://127.0.0.1:8000"
    session_hours: float = 12.0
    invite_days: float = 7.0
    max_body_bytes: int = 2 * 1024 * 1024
    hsts: bool = False
    passwords: PasswordPolicy = field(default_factory=PasswordPolicy)
    rate_limits: RateLimits = field(default_factory=RateLimits)

    @property
    def url(self) -> str:
        """The database URL in use (SQLite in the data directory unless one was given)."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'peacetable.sqlite3'}"

    @property
    def key_path(self) -> Path:
        """The Ed25519 private key that signs receipts and checkpoints."""
        return self.data_dir / "signing-key.pem"

    @property
    def secret_path(self) -> Path:
        """The secret that binds CSRF tokens to sessions."""
        return self.data_dir / "secret.key"

    def with_(self, **changes: object) -> WebSettings:
        """A copy with some fields changed."""
        return replace(self, **changes)  # type: ignore[arg-type]

    def to_json(self) -> str:
        """The settings as JSON (handed to worker processes)."""
        data = asdict(self)
        data["data_dir"] = str(self.data_dir)
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str) -> WebSettings:
        """Settings from :meth:`to_json`.

        Examples
        --------
        >>> s = WebSettings(data_dir=Path("/tmp/x"), database_url="sqlite:///y")
        >>> WebSettings.from_json(s.to_json()) == s
        True
        """
        data = json.loads(text)
        data["data_dir"] = Path(data["data_dir"])
        data["passwords"] = PasswordPolicy(**data["passwords"])
        data["rate_limits"] = RateLimits(**data["rate_limits"])
        return cls(**data)
