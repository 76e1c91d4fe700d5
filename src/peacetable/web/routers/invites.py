"""Invitations: issue, list and revoke (mediator); look at and accept (anyone with the link)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, Response

from peacetable.web.deps import Access, Ctx, MaybeUser, allowed
from peacetable.web.permissions import Action
from peacetable.web.routers.auth import client_address, limit, set_session
from peacetable.web.schemas import AccountIn, InviteIn
from peacetable.web.services import invites

router = APIRouter(prefix="/api", tags=["invitations"])
Manage = Annotated[Access, Depends(allowed(Action.MANAGE_INVITES))]
Token = Annotated[str, Path(min_length=10, max_length=200)]


@router.post("/negotiations/{negotiation_id}/invites", status_code=201)
def create(body: InviteIn, access: Manage, ctx: Ctx) -> dict[str, Any]:
    """Mediator: a single-use, expiring invitation link (shown once)."""
    return invites.create(ctx, access, body.role, body.party, body.label, body.days)


@router.get("/negotiations/{negotiation_id}/invites")
def listing(access: Manage, ctx: Ctx) -> list[dict[str, Any]]:
    """Mediator: every invitation and its state (open, used, expired, revoked)."""
    return invites.listing(ctx, access)


@router.delete("/negotiations/{negotiation_id}/invites/{invite_id}")
def revoke(
    invite_id: Annotated[str, Path(max_length=16)], access: Manage, ctx: Ctx
) -> dict[str, Any]:
    """Mediator: revoke an unused invitation."""
    return invites.revoke(ctx, access, invite_id)


@router.get("/invites/{token}")
def info(token: Token, request: Request, ctx: Ctx) -> dict[str, Any]:
    """What an invitation is for (rate-limited)."""
    limit(ctx, "invite", client_address(request))
    return invites.info(ctx, token)


@router.post("/invites/{token}/accept")
def accept(
    token: Token, body: AccountIn, request: Request, response: Response, user: MaybeUser, ctx: Ctx
) -> dict[str, Any]:
    """Join with an invitation: signed in, as yourself; otherwise with a new account."""
    limit(ctx, "invite", client_address(request))
    out = invites.accept(ctx, token, user, body.username, body.password)
    session = out.pop("session_token")
    if session is not None:
        out["csrf_token"] = set_session(response, ctx, session)
    return out
