"""Passwords, random tokens, CSRF tokens and rate limits.

* Passwords are hashed with Argon2id (RFC 9106) through ``argon2-cffi``;
  hashes made with weaker parameters are upgraded on the next sign-in.
* Sign-in, invitation and set-up tokens are 256-bit random values; the
  database keeps only their SHA-256, so a copy of the database opens nothing.
* CSRF tokens are HMAC-SHA-256 of the session token under the server secret
  (the "signed double-submit" pattern bound to the session: OWASP CSRF
  Prevention Cheat Sheet). Before sign-in they are bound to a random
  pre-session cookie instead. A new session, logout or password change
  changes the token.
* Rate limits use a moving window per client address (and per account for
  sign-in) with the ``limits`` library.

References
----------
.. [1] Biryukov, A., Dinu, D., Khovratovich, D. & Josefsson, S. (2021).
   Argon2 Memory-Hard Function for Password Hashing and Proof-of-Work
   Applications. RFC 9106, section 4.
.. [2] OWASP Cheat Sheet Series: Cross-Site Request Forgery Prevention
   (synchronizer and signed double-submit cookie patterns); Session Management.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass, field

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from peacetable.web.config import PasswordPolicy, RateLimits


def new_token() -> str:
    """A 256-bit random token, URL-safe.

    Examples
    --------
    >>> len(new_token()) >= 43
    True
    """
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """SHA-256 (hex) of a token: what the database keeps instead of the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def csrf_token(secret: bytes, bound_to: str) -> str:
    """The CSRF token bound to a session (or pre-session) cookie value.

    Examples
    --------
    >>> csrf_token(b"k" * 32, "a") == csrf_token(b"k" * 32, "a") != csrf_token(b"k" * 32, "b")
    True
    """
    return hmac.new(secret, b"csrf\x00" + bound_to.encode("utf-8"), hashlib.sha256).hexdigest()


def csrf_matches(secret: bytes, bound_to: str, presented: str) -> bool:
    """Constant-time check of a presented CSRF token."""
    return hmac.compare_digest(csrf_token(secret, bound_to), presented)


@dataclass
class Passwords:
    """Argon2id hashing with the configured cost."""

    policy: PasswordPolicy
    hasher: PasswordHasher = field(init=False)

    def __post_init__(self) -> None:
        self.hasher = PasswordHasher(
            time_cost=self.policy.time_cost,
            memory_cost=self.policy.memory_cost_kib,
            parallelism=self.policy.parallelism,
            type=Type.ID,
        )

    def hash(self, password: str) -> str:
        """An ``$argon2id$...`` hash of *password*."""
        return self.hasher.hash(password)

    def verify(self, stored: str, password: str) -> bool:
        """Whether *password* matches *stored* (never raises for a mismatch)."""
        try:
            return self.hasher.verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored: str) -> bool:
        """Whether *stored* was made with other parameters than the configured ones."""
        try:
            return self.hasher.check_needs_rehash(stored)
        except InvalidHashError:
            return True

    def problem(self, password: str, username: str = "") -> str | None:
        """Why *password* is not acceptable, or ``None``."""
        if len(password) < self.policy.min_length:
            return f"a password needs at least {self.policy.min_length} characters"
        if len(password) > 1024:
            return "a password has at most 1024 characters"
        if username and password.lower() == username.lower():
            return "the password must differ from the user name"
        return None


@dataclass
class RateLimiter:
    """Moving-window limits on sign-in and invitation use (kept in memory per process)."""

    limits: RateLimits
    _limiter: MovingWindowRateLimiter = field(init=False)
    _items: dict[str, RateLimitItem] = field(init=False)

    def __post_init__(self) -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._items = {
            "login": parse(self.limits.login),
            "login_account": parse(self.limits.login_per_account),
            "invite": parse(self.limits.invite),
        }

    def hit(self, kind: str, key: str) -> bool:
        """Count one attempt; ``False`` when the limit is exceeded."""
        return self._limiter.hit(self._items[kind], kind, key)

    def retry_after(self, kind: str, key: str) -> int:
        """Seconds until the next attempt is allowed (at least 1)."""
        reset, _ = self._limiter.get_window_stats(self._items[kind], kind, key)
        return max(1, int(reset - time.time()) + 1)
