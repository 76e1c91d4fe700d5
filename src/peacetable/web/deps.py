"""Request dependencies: the server context, the signed-in user, and the permission check.

:func:`allowed` is the one place where access to a negotiation is decided
(from :data:`peacetable.web.permissions.POLICY`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request
from sqlalchemy import bindparam, select

from peacetable.web.context import ServerContext
from peacetable.web.models import AuthSession, Membership, User, utcnow
from peacetable.web.permissions import Action, permits
from peacetable.web.security import token_hash

SESSION_COOKIE = "__Host-peacetable_session"
PRESESSION_COOKIE = "__Host-peacetable_csrf"


async def get_context(request: Request) -> ServerContext:
    """The server context of this app (async: trivial, so no thread hop)."""
    ctx: ServerContext = request.app.state.ctx
    return ctx


Ctx = Annotated[ServerContext, Depends(get_context)]


@dataclass(frozen=True)
class CurrentUser:
    """The signed-in user of a request."""

    id: int
    username: str
    is_organiser: bool
    session_id: str


#: The user of a live session (parameters ``sid``, ``now``): built once, so each
#: request skips building the statement and its cache key.
_SIGNED_IN = (
    select(User.id, User.username, User.is_organiser, AuthSession.id)
    .join(AuthSession, AuthSession.user_id == User.id)
    .where(AuthSession.id == bindparam("sid"), AuthSession.expires_at > bindparam("now"))
)
#: ... and their membership of negotiation ``nid`` (role, party, id; ``None`` if not a member).
_MEMBER = _SIGNED_IN.add_columns(Membership.role, Membership.party_id, Membership.id).outerjoin(
    Membership, (Membership.user_id == User.id) & (Membership.negotiation_id == bindparam("nid"))
)


def optional_user(request: Request, ctx: Ctx) -> CurrentUser | None:
    """The signed-in user, or ``None``."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token or len(token) > 200:
        return None
    row = ctx.db.first(_SIGNED_IN, {"sid": token_hash(token), "now": utcnow()})
    return None if row is None else CurrentUser(*row)


MaybeUser = Annotated[CurrentUser | None, Depends(optional_user)]


async def current_user(user: MaybeUser) -> CurrentUser:
    """The signed-in user; 401 when nobody is signed in."""
    if user is None:
        raise HTTPException(401, "sign in first")
    return user


User_ = Annotated[CurrentUser, Depends(current_user)]


async def organiser(user: User_) -> CurrentUser:
    """A signed-in organiser (may create and import negotiations); 403 otherwise."""
    if not user.is_organiser:
        raise HTTPException(403, "only an organiser account may do this")
    return user


Organiser = Annotated[CurrentUser, Depends(organiser)]


@dataclass(frozen=True)
class Access:
    """A member's permitted access to one negotiation."""

    user: CurrentUser
    negotiation_id: str
    role: str
    party_id: str | None
    membership_id: int

    @property
    def party(self) -> str:
        """The party this member speaks for (only called on party members)."""
        assert self.party_id is not None
        return self.party_id


NegotiationId = Annotated[str, Path(min_length=1, max_length=36)]


def allowed(action: Action) -> Callable[..., Access]:
    """A dependency admitting only members whose role permits *action* in the negotiation."""

    def check(negotiation_id: NegotiationId, request: Request, ctx: Ctx) -> Access:
        token = request.cookies.get(SESSION_COOKIE)
        if not token or len(token) > 200:
            raise HTTPException(401, "sign in first")
        # one query: the session, its user and their membership
        row = ctx.db.first(
            _MEMBER, {"sid": token_hash(token), "now": utcnow(), "nid": negotiation_id}
        )
        if row is None:
            raise HTTPException(401, "sign in first")
        role, party_id, membership_id = row[4:]
        if role is None:
            raise HTTPException(404, "no such negotiation")
        if not permits(role, action):
            raise HTTPException(403, f"a {role} may not {action.value}")
        return Access(CurrentUser(*row[:4]), negotiation_id, role, party_id, membership_id)

    return check
