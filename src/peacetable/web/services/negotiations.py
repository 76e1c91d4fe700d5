"""Negotiations: creation, what each member sees of one, its members and their status."""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy import select

from peacetable.io import scenario_to_data
from peacetable.model import Scenario
from peacetable.web import record
from peacetable.web.context import ServerContext
from peacetable.web.deps import Access, CurrentUser
from peacetable.web.models import (
    Draft,
    Invite,
    Membership,
    Negotiation,
    Response,
    Submission,
    User,
    utcnow,
)
from peacetable.web.services.common import get_negotiation, scenario_of


def create(
    ctx: ServerContext, user: CurrentUser, scenario: Scenario, title: str | None
) -> dict[str, Any]:
    """A new negotiation on *scenario*, with *user* as its mediator."""
    data = scenario_to_data(scenario)
    salt, commitment = record.commit(data)
    nid = str(uuid.uuid4())
    with ctx.db.writing(nid) as s:
        neg = Negotiation(
            id=nid,
            title=(title or scenario.title)[:300],
            scenario_json=record.canonical_json(data).decode("utf-8"),
            scenario_salt=salt,
            record_size=0,
            record_time="",
        )
        s.add(neg)
        s.flush()
        m = Membership(negotiation_id=nid, user_id=user.id, role="mediator")
        s.add(m)
        s.flush()
        entry = record.append(
            s,
            neg,
            "negotiation_created",
            {
                "title": neg.title,
                "scenario": scenario.id,
                "parties": list(scenario.party_ids),
                "issues": list(scenario.issue_ids),
                "mediator": m.id,
                "commitment": commitment,
            },
            ctx.key,
        )
        return {"id": nid, "title": neg.title, "receipt": record.receipt(entry)}


def list_for(ctx: ServerContext, user: CurrentUser) -> list[dict[str, Any]]:
    """The negotiations *user* is a member of, with its role in each."""
    with ctx.db.reading() as s:
        rows = s.execute(
            select(Negotiation, Membership)
            .join(Membership, Membership.negotiation_id == Negotiation.id)
            .where(Membership.user_id == user.id)
            .order_by(Negotiation.created_at)
        ).all()
        return [
            {
                "id": n.id,
                "title": n.title,
                "state": n.state,
                "role": m.role,
                "party": m.party_id,
            }
            for n, m in rows
        ]


def view(ctx: ServerContext, access: Access) -> dict[str, Any]:
    """What every member sees of the negotiation (no numbers)."""
    with ctx.db.reading() as s:
        neg = get_negotiation(s, access.negotiation_id)
        scenario = scenario_of(ctx, neg)
        return {
            "id": neg.id,
            "title": neg.title,
            "state": neg.state,
            "role": access.role,
            "party": access.party_id,
            "party_name": scenario.party(access.party_id).name if access.party_id else None,
            "agreed_version": neg.agreed_version,
            "settlement_code": neg.settlement_code,
            "record_size": neg.record_size,
            "created_at": neg.created_at.isoformat(),
        }


def issues(ctx: ServerContext, access: Access) -> dict[str, Any]:
    """The issues, options, events and parties in words: nobody's numbers."""
    with ctx.db.reading() as s:
        scenario = scenario_of(ctx, get_negotiation(s, access.negotiation_id))
    return {
        "parties": [
            {
                "id": p.id,
                "name": p.name,
                "role": p.role,
                "negotiating": p.id in scenario.preferences,
            }
            for p in scenario.parties
        ],
        "issues": [
            {
                "id": i.id,
                "name": i.name,
                "description": i.description,
                "provision": i.provision,
                "status_quo": i.status_quo_option,
                "options": [
                    {
                        "id": o.id,
                        "label": o.label,
                        "description": o.description,
                        "contingent": None
                        if o.contingent is None
                        else {"event": o.contingent.event, "outcomes": dict(o.contingent.outcomes)},
                    }
                    for o in i.options
                ],
            }
            for i in scenario.issues
        ],
        "events": [{"id": e, "outcomes": list(o)} for e, o in scenario.iter_events()],
    }


def scenario_data(ctx: ServerContext, access: Access) -> dict[str, Any]:
    """The mediator's scenario with its estimates (mediator only)."""
    with ctx.db.reading() as s:
        neg = get_negotiation(s, access.negotiation_id)
        data: dict[str, Any] = json.loads(neg.scenario_json)
    return data


def status(ctx: ServerContext, access: Access) -> dict[str, Any]:
    """Members, invitations and, per party, whether it joined, submitted and responded."""
    nid = access.negotiation_id
    now = utcnow()
    with ctx.db.reading() as s:
        scenario = scenario_of(ctx, get_negotiation(s, nid))
        members = s.execute(
            select(Membership, User.username)
            .join(User, User.id == Membership.user_id)
            .where(Membership.negotiation_id == nid)
        ).all()
        invites = s.execute(select(Invite).where(Invite.negotiation_id == nid)).scalars().all()
        subs = s.execute(
            select(Submission.party_id, Submission.version, Submission.created_at).where(
                Submission.negotiation_id == nid
            )
        ).all()
        responses = s.execute(
            select(Response.party_id, Response.draft_version, Response.verdict)
            .where(Response.negotiation_id == nid)
            .order_by(Response.id)
        ).all()
        published = (
            s.execute(
                select(Draft.version).where(
                    Draft.negotiation_id == nid, Draft.published_at.is_not(None)
                )
            )
            .scalars()
            .all()
        )
    latest_pub = max(published, default=None)
    parties = []
    for p in scenario.parties:
        mine = [v for pid, v, _ in subs if pid == p.id]
        last = {v: verdict for pid, v, verdict in responses if pid == p.id}
        parties.append(
            {
                "party": p.id,
                "name": p.name,
                "invited": any(i.party_id == p.id for i in invites),
                "joined": any(m.party_id == p.id for m, _ in members),
                "submissions": len(mine),
                "latest_version": max(mine, default=None),
                "response_to_latest": last.get(latest_pub) if latest_pub else None,
            }
        )
    return {
        "members": [
            {"id": m.id, "username": name, "role": m.role, "party": m.party_id}
            for m, name in members
        ],
        "invites": [invite_row(i, now) for i in invites],
        "parties": parties,
    }


def invite_row(i: Invite, now: Any) -> dict[str, Any]:
    """An invitation as listed to the mediator (never its token)."""
    if i.revoked_at is not None:
        state = "revoked"
    elif i.used_at is not None:
        state = "used"
    elif i.expires_at <= now:
        state = "expired"
    else:
        state = "open"
    return {
        "id": i.id,
        "role": i.role,
        "party": i.party_id,
        "label": i.label,
        "state": state,
        "expires_at": i.expires_at.isoformat(),
    }
