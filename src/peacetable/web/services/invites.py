"""Invitations: single-use, expiring links that make someone a party, observer or co-mediator."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from fastapi import HTTPException
from sqlalchemy import select, update

from peacetable.web import record
from peacetable.web.context import ServerContext
from peacetable.web.deps import Access, CurrentUser
from peacetable.web.models import Invite, Membership, utcnow
from peacetable.web.security import new_token, token_hash
from peacetable.web.services.accounts import create_account, start_session
from peacetable.web.services.common import get_negotiation, locked, scenario_of
from peacetable.web.services.negotiations import invite_row


def create(
    ctx: ServerContext, access: Access, role: str, party: str | None, label: str, days: float | None
) -> dict[str, Any]:
    """A new invitation; its link is shown once, here."""
    token = new_token()
    expires = utcnow() + timedelta(days=days if days is not None else ctx.settings.invite_days)
    with ctx.db.writing(access.negotiation_id) as s:
        neg = locked(s, access.negotiation_id)
        scenario = scenario_of(ctx, neg)
        if role == "party":
            if party not in scenario.party_ids:
                raise HTTPException(
                    422, f"invite a party by one of its ids: {', '.join(scenario.party_ids)}"
                )
        elif party is not None:
            raise HTTPException(422, f"a {role} speaks for no party: leave 'party' out")
        inv = Invite(
            id=secrets.token_hex(6),
            token_hash=token_hash(token),
            negotiation_id=neg.id,
            role=role,
            party_id=party,
            label=label,
            expires_at=expires,
        )
        s.add(inv)
        entry = record.append(
            s,
            neg,
            "invite_issued",
            {"invite": inv.id, "role": role, "party": party, "expires": expires.isoformat()},
            ctx.key,
        )
        out = invite_row(inv, utcnow())
    return {**out, "link": ctx.link(f"/invite/{token}"), "receipt": record.receipt(entry)}


def listing(ctx: ServerContext, access: Access) -> list[dict[str, Any]]:
    """Every invitation of the negotiation and its state."""
    now = utcnow()
    with ctx.db.reading() as s:
        rows = s.execute(
            select(Invite).where(Invite.negotiation_id == access.negotiation_id)
        ).scalars()
        return [invite_row(i, now) for i in rows]


def revoke(ctx: ServerContext, access: Access, invite_id: str) -> dict[str, Any]:
    """Revoke an unused invitation."""
    with ctx.db.writing(access.negotiation_id) as s:
        neg = locked(s, access.negotiation_id)
        inv = s.execute(
            select(Invite).where(Invite.negotiation_id == neg.id, Invite.id == invite_id)
        ).scalar_one_or_none()
        if inv is None:
            raise HTTPException(404, "no such invitation")
        if inv.used_at is not None or inv.revoked_at is not None:
            raise HTTPException(409, "this invitation was already used or revoked")
        inv.revoked_at = utcnow()
        record.append(s, neg, "invite_revoked", {"invite": inv.id}, ctx.key)
        return invite_row(inv, utcnow())


def _open_invite(ctx: ServerContext, token: str) -> Invite:
    with ctx.db.reading() as s:
        inv = s.execute(
            select(Invite).where(Invite.token_hash == token_hash(token))
        ).scalar_one_or_none()
    if inv is None or inv.used_at or inv.revoked_at or inv.expires_at <= utcnow():
        raise HTTPException(404, "this invitation is unknown, used, revoked or expired")
    return inv


def info(ctx: ServerContext, token: str) -> dict[str, Any]:
    """What an invitation is for (shown before accepting it)."""
    inv = _open_invite(ctx, token)
    with ctx.db.reading() as s:
        neg = get_negotiation(s, inv.negotiation_id)
        scenario = scenario_of(ctx, neg)
    return {
        "negotiation": neg.title,
        "role": inv.role,
        "party": inv.party_id,
        "party_name": scenario.party(inv.party_id).name if inv.party_id else None,
        "expires_at": inv.expires_at.isoformat(),
    }


def accept(
    ctx: ServerContext,
    token: str,
    user: CurrentUser | None,
    username: str | None,
    password: str | None,
) -> dict[str, Any]:
    """Use an invitation: join as the signed-in user, or create an account (password set now)."""
    inv = _open_invite(ctx, token)
    with ctx.db.writing(inv.negotiation_id) as s:
        neg = locked(s, inv.negotiation_id)
        claimed = s.execute(
            update(Invite)
            .where(
                Invite.id == inv.id,
                Invite.used_at.is_(None),
                Invite.revoked_at.is_(None),
                Invite.expires_at > utcnow(),
            )
            .values(used_at=utcnow())
        ).rowcount  # type: ignore[attr-defined]
        if claimed != 1:
            raise HTTPException(404, "this invitation is unknown, used, revoked or expired")
        session_token = None
        if user is not None:
            user_id = user.id
            taken = s.execute(
                select(Membership.id).where(
                    Membership.negotiation_id == neg.id, Membership.user_id == user_id
                )
            ).first()
            if taken is not None:
                raise HTTPException(409, "you are already a member of this negotiation")
        else:
            if not username or password is None:
                raise HTTPException(422, "choose a user name and a password")
            user_id = create_account(ctx, s, username, password).id
            session_token = start_session(ctx, s, user_id)
        s.execute(update(Invite).where(Invite.id == inv.id).values(used_by=user_id))
        m = Membership(negotiation_id=neg.id, user_id=user_id, role=inv.role, party_id=inv.party_id)
        s.add(m)
        s.flush()
        entry = record.append(
            s,
            neg,
            "invite_used",
            {"invite": inv.id, "role": inv.role, "party": inv.party_id, "member": m.id},
            ctx.key,
        )
        return {
            "negotiation": neg.id,
            "role": inv.role,
            "party": inv.party_id,
            "session_token": session_token,
            "receipt": record.receipt(entry),
        }
