"""Parties' responses to published versions, the predicted verdicts beside them, and agreement."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from fastapi import HTTPException
from sqlalchemy import select
from sqlalchemy.orm import Session

from peacetable.errors import PeacetableError
from peacetable.web import analysis, record
from peacetable.web.analysis import LensSession
from peacetable.web.context import ServerContext
from peacetable.web.deps import Access
from peacetable.web.models import Membership, Negotiation, Response, Submission
from peacetable.web.services.common import (
    draft_content,
    draft_text,
    get_draft,
    get_negotiation,
    locked,
    merged_session,
    published_drafts,
    scenario_of,
)


def _required_parties(ctx: ServerContext, s: Session, neg: Negotiation) -> list[str]:
    """Every party whose acceptance counts: those with preferences, submissions or members."""
    base = scenario_of(ctx, neg)
    found = set(base.negotiating_party_ids)
    found |= set(
        s.execute(select(Submission.party_id).where(Submission.negotiation_id == neg.id)).scalars()
    )
    found |= {
        p
        for p in s.execute(
            select(Membership.party_id).where(
                Membership.negotiation_id == neg.id, Membership.role == "party"
            )
        ).scalars()
        if p is not None
    }
    return [p for p in base.party_ids if p in found]


def _latest_verdicts(s: Session, negotiation_id: str, version: int) -> dict[str, str]:
    rows = s.execute(
        select(Response.party_id, Response.verdict)
        .where(Response.negotiation_id == negotiation_id, Response.draft_version == version)
        .order_by(Response.id)
    ).all()
    return dict(rows)  # later rows overwrite earlier ones: the latest answer counts


def respond(
    ctx: ServerContext,
    access: Access,
    version: int,
    verdict: str,
    comment: str,
    cannot_live_with: list[str],
) -> dict[str, Any]:
    """Record a party's answer; when every party has accepted the version, it is agreed."""
    with ctx.db.writing(access.negotiation_id) as s:
        neg = locked(s, access.negotiation_id)
        draft = get_draft(s, neg.id, version, published=True)
        if neg.state == "agreed" and (
            draft.kind != "improvement" or draft.version <= (neg.agreed_version or 0)
        ):
            raise HTTPException(409, "the text is agreed; only a later improvement can be answered")
        scenario = scenario_of(ctx, neg)
        unknown = [i for i in cannot_live_with if i not in scenario.issue_ids]
        if unknown:
            raise HTTPException(422, f"unknown provisions: {', '.join(unknown)}")
        content = {
            "version": version,
            "verdict": verdict,
            "comment": comment,
            "cannot_live_with": cannot_live_with,
        }
        salt, commitment = record.commit(content)
        entry = record.append(
            s,
            neg,
            "response",
            {"party": access.party, "version": version, "commitment": commitment},
            ctx.key,
        )
        s.add(
            Response(
                negotiation_id=neg.id,
                draft_version=version,
                party_id=access.party,
                user_id=access.user.id,
                content_json=json.dumps(content),
                verdict=verdict,
                salt=salt,
                commitment=commitment,
                record_seq=entry.seq,
            )
        )
        s.flush()
        out: dict[str, Any] = {
            "version": version,
            "verdict": verdict,
            "commitment": commitment,
            "receipt": record.receipt(entry),
            "agreed": False,
        }
        required = _required_parties(ctx, s, neg)
        verdicts = _latest_verdicts(s, neg.id, version)
        if required and all(verdicts.get(p) == "accept" for p in required):
            text = draft_text(scenario, draft_content(draft))
            code = hashlib.sha256(text.encode("utf-8")).hexdigest()
            neg.state, neg.agreed_version, neg.settlement_code = "agreed", version, code
            agreed = record.append(
                s,
                neg,
                "agreement" if draft.kind == "draft" else "improvement_agreed",
                {"version": version, "settlement_code": code, "accepted_by": required},
                ctx.key,
            )
            out.update(agreed=True, settlement_code=code, agreement_receipt=record.receipt(agreed))
        return out


def _response_row(r: Response) -> dict[str, Any]:
    return {
        **json.loads(r.content_json),
        "party": r.party_id,
        "created_at": r.created_at.isoformat(),
    }


def own(ctx: ServerContext, access: Access) -> list[dict[str, Any]]:
    """The party's own responses, oldest first."""
    with ctx.db.reading() as s:
        rows = s.execute(
            select(Response)
            .where(
                Response.negotiation_id == access.negotiation_id,
                Response.party_id == access.party,
            )
            .order_by(Response.id)
        ).scalars()
        return [_response_row(r) for r in rows]


def everyone(ctx: ServerContext, access: Access) -> list[dict[str, Any]]:
    """Mediator: per published version, each party's latest response beside its predicted verdict."""
    with ctx.db.reading() as s:
        neg = get_negotiation(s, access.negotiation_id)
        drafts = published_drafts(s, neg.id)
        rows = (
            s.execute(
                select(Response).where(Response.negotiation_id == neg.id).order_by(Response.id)
            )
            .scalars()
            .all()
        )
        required = _required_parties(ctx, s, neg)
        session: LensSession | None
        try:
            _, session = merged_session(ctx, s, neg)
        except PeacetableError:
            session = None
    out = []
    for d in drafts:
        latest = {r.party_id: _response_row(r) for r in rows if r.draft_version == d.version}
        predicted = (
            analysis.predicted_verdicts(session, draft_content(d)["package"]) if session else {}
        )
        parties = []
        for p in required:
            said = latest.get(p)
            pred = predicted.get(p)
            parties.append(
                {
                    "party": p,
                    "response": said,
                    "predicted": pred,
                    "disagrees": bool(
                        said
                        and pred
                        and said["verdict"] in ("accept", "reject")
                        and (said["verdict"] == "accept") != pred["accepts"]
                    ),
                }
            )
        out.append({"version": d.version, "kind": d.kind, "parties": parties})
    return out


def agreement(ctx: ServerContext, access: Access) -> dict[str, Any]:
    """The agreement, if any: version, text and settlement code (the same for everyone)."""
    with ctx.db.reading() as s:
        neg = get_negotiation(s, access.negotiation_id)
        if neg.agreed_version is None:
            return {"state": neg.state, "agreed": False}
        d = get_draft(s, neg.id, neg.agreed_version, published=True)
        text = draft_text(scenario_of(ctx, neg), draft_content(d))
    return {
        "state": neg.state,
        "agreed": True,
        "version": neg.agreed_version,
        "kind": d.kind,
        "text": text,
        "settlement_code": neg.settlement_code,
    }
