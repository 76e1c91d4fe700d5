"""A party's confidential preferences: check, save (versioned, committed in the record), read."""

from __future__ import annotations

import json
from typing import Any

from fastapi import HTTPException
from sqlalchemy import bindparam, func, insert, select

from peacetable.errors import PeacetableError
from peacetable.web import analysis, record
from peacetable.web.context import ServerContext
from peacetable.web.deps import Access
from peacetable.web.elicitation import PreferenceInput, check_input, contradictions
from peacetable.web.merge import Submitted, check_submission, merge
from peacetable.web.models import Draft, Response, Submission
from peacetable.web.services.common import (
    cached_scenario,
    draft_content,
    get_negotiation,
    locked,
    merged_scenario,
    merged_session,
    own_scores,
    problems_as,
    problems_of,
    published_drafts,
)


def check(ctx: ServerContext, access: Access, data: PreferenceInput) -> dict[str, Any]:
    """Dry run: the contradictions and what the numbers imply, nothing saved."""
    base = cached_scenario(ctx, access.negotiation_id)
    with problems_as(422, "the submission has problems"):
        check_input(base, data)
        own = merge(base, {access.party: Submitted(data, 0)}, only=access.party, label="submission")
    with ctx.db.reading() as s:
        published = s.execute(
            select(Draft)
            .where(
                Draft.negotiation_id == access.negotiation_id,
                Draft.published_at.is_not(None),
            )
            .order_by(Draft.version.desc())
            .limit(1)
        ).scalar_one_or_none()
    session = analysis.open_session(own.scenario)  # numbers not saved: a session of their own
    preview: dict[str, Any] = {
        "best": analysis.best_packages(session, access.party),
        "latest_draft": None,
    }
    if published is not None:
        package = draft_content(published)["package"]
        preview["latest_draft"] = {
            "version": published.version,
            "score": analysis.party_score(session, access.party, package),
        }
    return {"contradictions": contradictions(base, data), "preview": preview}


#: The new version's row (built once, like the query of the party's latest version
#: number: each save skips building them; a statement, not the ORM's unit of work).
_INSERT = insert(Submission)
#: The party's latest version number.
_LATEST = select(func.max(Submission.version)).where(
    Submission.negotiation_id == bindparam("nid"), Submission.party_id == bindparam("party")
)


def submit(
    ctx: ServerContext, access: Access, data: PreferenceInput, acknowledge: bool
) -> dict[str, Any]:
    """Save a new version; refused while rank–rating contradictions are not acknowledged."""
    base = cached_scenario(ctx, access.negotiation_id)
    with problems_as(422, "the submission has problems"):
        check_input(base, data)
        check_submission(base, access.party, data)  # the check merge makes, nothing else
    found = contradictions(base, data)
    if found and not acknowledge:
        raise HTTPException(
            422,
            {
                "message": "the ranking and the ratings contradict each other; fix them or "
                "resend with acknowledge_contradictions: true",
                "contradictions": found,
            },
        )
    content = data.model_dump(mode="json")
    salt, commitment = record.commit(content)
    row = {  # everything but the version and the record entry, made before the write lock
        "negotiation_id": access.negotiation_id,
        "party_id": access.party,
        "user_id": access.user.id,
        "content_json": json.dumps(content),
        "contradictions_json": json.dumps(found),
        "salt": salt,
        "commitment": commitment,
    }
    with ctx.db.writing(access.negotiation_id) as s:
        neg = locked(s, access.negotiation_id)
        version = 1 + (s.execute(_LATEST, {"nid": neg.id, "party": access.party}).scalar() or 0)
        entry = record.append(
            s,
            neg,
            "preferences_submitted",
            {"party": access.party, "version": version, "commitment": commitment},
            ctx.key,
        )
        s.connection().execute(_INSERT, {**row, "version": version, "record_seq": entry.seq})
        return {
            "version": version,
            "commitment": commitment,
            "contradictions": found,
            "receipt": record.receipt(entry),
        }


def _row(r: Submission) -> dict[str, Any]:
    return {
        "party": r.party_id,
        "version": r.version,
        "created_at": r.created_at.isoformat(),
        "preferences": json.loads(r.content_json),
        "contradictions": json.loads(r.contradictions_json),
        "commitment": r.commitment,
        "record_seq": r.record_seq,
    }


def own(ctx: ServerContext, access: Access) -> list[dict[str, Any]]:
    """Every version the party submitted, oldest first."""
    with ctx.db.reading() as s:
        rows = s.execute(
            select(Submission)
            .where(
                Submission.negotiation_id == access.negotiation_id,
                Submission.party_id == access.party,
            )
            .order_by(Submission.version)
        ).scalars()
        return [_row(r) for r in rows]


def preview(ctx: ServerContext, access: Access) -> dict[str, Any]:
    """What the party's latest numbers imply: its best packages and its score of each draft."""
    with ctx.db.reading() as s:
        neg = get_negotiation(s, access.negotiation_id)
        own_view, session = merged_session(ctx, s, neg, only=access.party)
        drafts = published_drafts(s, neg.id)
    if own_view.provenance.get(access.party, {}).get("version") is None:
        raise HTTPException(409, "submit your preferences first")
    return {
        "best": analysis.best_packages(session, access.party),
        "scores": own_scores(session, access.party, drafts),
    }


def everyone(ctx: ServerContext, access: Access) -> dict[str, Any]:
    """Mediator: every party's versions and whose each number in the merged scenario is."""
    with ctx.db.reading() as s:
        neg = get_negotiation(s, access.negotiation_id)
        rows = (
            s.execute(
                select(Submission)
                .where(Submission.negotiation_id == neg.id)
                .order_by(Submission.party_id, Submission.version)
            )
            .scalars()
            .all()
        )
        provenance: dict[str, Any]
        try:
            provenance = merged_scenario(ctx, s, neg).provenance
        except PeacetableError as exc:
            provenance = {"problems": problems_of(exc)}
    return {"submissions": [_row(r) for r in rows], "provenance": provenance}


def one(ctx: ServerContext, access: Access, party: str, version: int) -> dict[str, Any]:
    """Mediator: one version of one party's submission."""
    with ctx.db.reading() as s:
        row = s.execute(
            select(Submission).where(
                Submission.negotiation_id == access.negotiation_id,
                Submission.party_id == party,
                Submission.version == version,
            )
        ).scalar_one_or_none()
        if row is None:
            raise HTTPException(404, f"no version {version} from {party}")
        return _row(row)


def openings(ctx: ServerContext, access: Access) -> list[dict[str, Any]]:
    """The party's own commitments opened: record entry, salt and content of each."""
    with ctx.db.reading() as s:
        subs = (
            s.execute(
                select(Submission).where(
                    Submission.negotiation_id == access.negotiation_id,
                    Submission.party_id == access.party,
                )
            )
            .scalars()
            .all()
        )
        resp = (
            s.execute(
                select(Response).where(
                    Response.negotiation_id == access.negotiation_id,
                    Response.party_id == access.party,
                )
            )
            .scalars()
            .all()
        )
    items: list[Submission | Response] = [*subs, *resp]
    out = [
        {"seq": r.record_seq, "salt": r.salt, "content": json.loads(r.content_json)} for r in items
    ]
    return sorted(out, key=lambda o: int(o["seq"]))
