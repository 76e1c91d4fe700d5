"""Accounts and sign-in: set-up links, sessions, logout, password change."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi import HTTPException
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from peacetable.web.context import ServerContext
from peacetable.web.models import AuthSession, SetupLink, User, utcnow
from peacetable.web.security import new_token, token_hash

USERNAME = re.compile(r"[A-Za-z0-9._@+-]{3,64}")


def create_setup_link(ctx: ServerContext, days: float = 7.0) -> str:
    """A new one-time link that creates an organiser account."""
    token = new_token()
    with ctx.db.writing() as s:
        s.add(SetupLink(token_hash=token_hash(token), expires_at=utcnow() + timedelta(days=days)))
    return ctx.link(f"/setup/{token}")


def first_start_link(ctx: ServerContext) -> str | None:
    """On a server without accounts, a fresh set-up link; otherwise ``None``."""
    with ctx.db.reading() as s:
        has_users = s.execute(select(User.id).limit(1)).first() is not None
    return None if has_users else create_setup_link(ctx)


def _new_user(
    ctx: ServerContext, s: Session, username: str, password: str, organiser: bool
) -> User:
    if not USERNAME.fullmatch(username):
        raise HTTPException(422, "a user name has 3 to 64 letters, digits or . _ @ + - (no spaces)")
    problem = ctx.passwords.problem(password, username)
    if problem:
        raise HTTPException(422, problem)
    if s.execute(select(User.id).where(User.username == username)).first() is not None:
        raise HTTPException(409, f"the user name {username!r} is taken; choose another")
    user = User(
        username=username, password_hash=ctx.passwords.hash(password), is_organiser=organiser
    )
    s.add(user)
    s.flush()
    return user


def start_session(ctx: ServerContext, s: Session, user_id: int) -> str:
    """A new server-side session for *user_id*; returns the cookie token."""
    token = new_token()
    hours = ctx.settings.session_hours
    s.add(
        AuthSession(
            id=token_hash(token), user_id=user_id, expires_at=utcnow() + timedelta(hours=hours)
        )
    )
    return token


def setup_link_valid(ctx: ServerContext, token: str) -> bool:
    """Whether a set-up link can still be used."""
    with ctx.db.reading() as s:
        link = s.get(SetupLink, token_hash(token))
    return link is not None and link.used_at is None and link.expires_at > utcnow()


def use_setup_link(ctx: ServerContext, token: str, username: str, password: str) -> str:
    """Create the organiser account of a set-up link (once); returns a session token."""
    with ctx.db.writing() as s:
        claimed = s.execute(
            update(SetupLink)
            .where(
                SetupLink.token_hash == token_hash(token),
                SetupLink.used_at.is_(None),
                SetupLink.expires_at > utcnow(),
            )
            .values(used_at=utcnow())
        ).rowcount  # type: ignore[attr-defined]
        if claimed != 1:
            raise HTTPException(404, "this set-up link is unknown, used or expired")
        user = _new_user(ctx, s, username, password, organiser=True)
        return start_session(ctx, s, user.id)


def login(ctx: ServerContext, username: str, password: str) -> str:
    """Check a password and start a session; 401 on any mismatch (same message either way)."""
    with ctx.db.reading() as s:
        user = s.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        ctx.passwords.verify(_DUMMY_HASH.get(ctx), password)  # same work: no user enumeration
        raise HTTPException(401, "wrong user name or password")
    if not ctx.passwords.verify(user.password_hash, password):
        raise HTTPException(401, "wrong user name or password")
    with ctx.db.writing() as s:
        if ctx.passwords.needs_rehash(user.password_hash):
            s.execute(
                update(User)
                .where(User.id == user.id)
                .values(password_hash=ctx.passwords.hash(password))
            )
        return start_session(ctx, s, user.id)


class _Dummy:
    """A hash to verify against for unknown users (made once per context)."""

    def get(self, ctx: ServerContext) -> str:
        cached = ctx.cache.get("dummy-hash")
        if cached is None:
            cached = ctx.cache.setdefault("dummy-hash", ctx.passwords.hash(new_token()))
        return str(cached)


_DUMMY_HASH = _Dummy()


def logout(ctx: ServerContext, session_id: str) -> None:
    """End one session."""
    with ctx.db.writing() as s:
        s.execute(delete(AuthSession).where(AuthSession.id == session_id))


def change_password(ctx: ServerContext, user_id: int, current: str, new: str) -> str:
    """Change a password, end every session of the user, and start a new one for this client."""
    with ctx.db.reading() as s:
        user = s.get(User, user_id)
    if user is None or not ctx.passwords.verify(user.password_hash, current):
        raise HTTPException(403, "the current password is wrong")
    problem = ctx.passwords.problem(new, user.username)
    if problem:
        raise HTTPException(422, problem)
    with ctx.db.writing() as s:
        s.execute(
            update(User).where(User.id == user_id).values(password_hash=ctx.passwords.hash(new))
        )
        s.execute(delete(AuthSession).where(AuthSession.user_id == user_id))
        return start_session(ctx, s, user_id)


def create_account(
    ctx: ServerContext, s: Session, username: str, password: str, organiser: bool = False
) -> User:
    """A new account inside the caller's transaction (invitations use it)."""
    return _new_user(ctx, s, username, password, organiser)
