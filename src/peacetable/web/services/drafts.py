"""The single negotiating text: draft versions, diffs, publication, the mediator's analysis and
outlook."""

from __future__ import annotations

import difflib
import hashlib
import json
from typing import Any

from fastapi import HTTPException
from sqlalchemy import func, select

from peacetable.errors import PeacetableError
from peacetable.web import analysis, presenting, record
from peacetable.web.context import ServerContext
from peacetable.web.deps import Access
from peacetable.web.models import Draft, Negotiation, utcnow
from peacetable.web.services.common import (
    draft_content,
    draft_text,
    get_draft,
    get_negotiation,
    locked,
    merged_session,
    own_scores,
    problems_as,
    published_drafts,
    scenario_of,
    scenario_session,
)


def _summary(d: Draft) -> dict[str, Any]:
    c = draft_content(d)
    return {
        "version": d.version,
        "title": c["title"],
        "kind": d.kind,
        "based_on": d.based_on,
        "created_at": d.created_at.isoformat(),
        "published_at": d.published_at.isoformat() if d.published_at else None,
    }


def _full(ctx: ServerContext, neg: Negotiation, d: Draft) -> dict[str, Any]:
    c = draft_content(d)
    text = draft_text(scenario_of(ctx, neg), c)
    return {
        **_summary(d),
        "package": c["package"],
        "wording": c["wording"],
        "note": c.get("note", ""),
        "text": text,
        "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
    }


def create(
    ctx: ServerContext,
    access: Access,
    title: str,
    package: dict[str, str],
    wording: dict[str, str],
    note: str,
    based_on: int | None,
) -> dict[str, Any]:
    """Write a new draft version (unpublished; only its commitment enters the record)."""
    with ctx.db.writing(access.negotiation_id) as s:
        neg = locked(s, access.negotiation_id)
        scenario = scenario_of(ctx, neg)
        with problems_as(422, "the package has problems"):
            full = analysis.complete_package(scenario_session(ctx, neg), package)
        unknown = [i for i in wording if i not in scenario.issue_ids]
        if unknown:
            raise HTTPException(422, f"wording for unknown issues: {', '.join(unknown)}")
        if based_on is not None:
            get_draft(s, neg.id, based_on)
        kind = "improvement" if neg.state == "agreed" else "draft"
        version = 1 + (
            s.execute(
                select(func.max(Draft.version)).where(Draft.negotiation_id == neg.id)
            ).scalar()
            or 0
        )
        content = {
            "title": title,
            "package": full,
            "wording": {i: wording[i] for i in scenario.issue_ids if i in wording},
            "note": note,
        }
        salt, commitment = record.commit(content)
        entry = record.append(
            s,
            neg,
            "draft_written",
            {"version": version, "kind": kind, "commitment": commitment},
            ctx.key,
        )
        row = Draft(
            negotiation_id=neg.id,
            version=version,
            kind=kind,
            based_on=based_on,
            content_json=json.dumps(content),
            salt=salt,
            commitment=commitment,
        )
        s.add(row)
        s.flush()
        return {**_full(ctx, neg, row), "receipt": record.receipt(entry)}


def listing(ctx: ServerContext, access: Access, published_only: bool) -> list[dict[str, Any]]:
    """Draft versions (all, or the published ones), oldest first."""
    with ctx.db.reading() as s:
        neg = get_negotiation(s, access.negotiation_id)
        if published_only:
            return [_full(ctx, neg, d) for d in published_drafts(s, neg.id)]
        rows = s.execute(
            select(Draft).where(Draft.negotiation_id == neg.id).order_by(Draft.version)
        ).scalars()
        return [_summary(d) for d in rows]


def get(ctx: ServerContext, access: Access, version: int, published: bool) -> dict[str, Any]:
    """One version with its text."""
    with ctx.db.reading() as s:
        neg = get_negotiation(s, access.negotiation_id)
        return _full(ctx, neg, get_draft(s, neg.id, version, published=published))


def diff(
    ctx: ServerContext, access: Access, version: int, against: int, published: bool
) -> dict[str, Any]:
    """What changed from version *against* to *version*: options and wording per provision."""
    with ctx.db.reading() as s:
        neg = get_negotiation(s, access.negotiation_id)
        new = draft_content(get_draft(s, neg.id, version, published=published))
        old = draft_content(get_draft(s, neg.id, against, published=published))
        scenario = scenario_of(ctx, neg)
    changes = []
    for issue in scenario.issues:
        a, b = old["package"][issue.id], new["package"][issue.id]
        wa, wb = old["wording"].get(issue.id, ""), new["wording"].get(issue.id, "")
        if a == b and wa == wb:
            continue
        changes.append(
            {
                "issue": issue.id,
                "name": issue.name,
                "from": a,
                "to": b,
                "wording_diff": list(
                    difflib.unified_diff(
                        wa.splitlines(), wb.splitlines(), f"v{against}", f"v{version}", lineterm=""
                    )
                ),
            }
        )
    return {
        "from": against,
        "to": version,
        "title": None if old["title"] == new["title"] else [old["title"], new["title"]],
        "changes": changes,
    }


def publish(ctx: ServerContext, access: Access, version: int) -> dict[str, Any]:
    """Publish a version to the parties and observers; its text enters the record."""
    with ctx.db.writing(access.negotiation_id) as s:
        neg = locked(s, access.negotiation_id)
        row = get_draft(s, neg.id, version)
        if row.published_at is not None:
            raise HTTPException(409, f"version {version} is already published")
        if neg.state == "agreed" and row.kind != "improvement":
            raise HTTPException(409, "the text is agreed; only improvements can be published")
        row.published_at = utcnow()
        full = _full(ctx, neg, row)
        entry = record.append(
            s,
            neg,
            "draft_published",
            {
                "version": version,
                "kind": row.kind,
                "title": full["title"],
                "package": full["package"],
                "wording": full["wording"],
                "text_sha256": full["text_sha256"],
                "opening": {"salt": row.salt, "of": row.commitment},
            },
            ctx.key,
        )
        return {**full, "receipt": record.receipt(entry)}


def analyse(ctx: ServerContext, access: Access, version: int) -> dict[str, Any]:
    """Mediator: the analysis of a version on the merged scenario, with whose numbers it used.

    The lenses run through the session of the current merged scenario, so a
    version analysed before (or another draft on the same submissions) reuses
    what that session has computed.
    """
    with ctx.db.reading() as s:
        neg = get_negotiation(s, access.negotiation_id)
        package = draft_content(get_draft(s, neg.id, version))["package"]
        with problems_as(409, "the submissions do not merge"):
            merged, session = merged_session(ctx, s, neg)
        agreed = neg.agreed_version
        agreed_package = (
            draft_content(get_draft(s, neg.id, agreed))["package"] if agreed is not None else None
        )
    result = analysis.analyse_draft(session, package)
    if agreed_package is not None:
        try:
            result["post_settlement"] = analysis.post_settlement_options(session, agreed_package)
        except PeacetableError as exc:  # e.g. the agreed text breaks a constraint
            result["post_settlement"] = None
            result["notes"].append(f"no post-settlement improvements: {exc}")
    return {"version": version, "analysis": result, "provenance": merged.provenance}


def outlook(ctx: ServerContext, access: Access, version: int) -> dict[str, Any]:
    """Mediator: how sure, and when -- a version's robustness and ripeness in brief.

    Slower than :func:`analyse` (sampled worlds), so the draft page asks for
    it separately; it runs through the same session of the current merged
    scenario, so asking again reads that session's cache.
    """
    with ctx.db.reading() as s:
        neg = get_negotiation(s, access.negotiation_id)
        content = draft_content(get_draft(s, neg.id, version))
        with problems_as(409, "the submissions do not merge"):
            merged, session = merged_session(ctx, s, neg)
    title = str(content.get("title", "")).strip()
    name = f"Version {version}" + (f" ({title})" if title else "")
    result = analysis.draft_outlook(session, content["package"], name)
    return {
        "version": version,
        "outlook": {**result, "summary": presenting.outlook_sentences(result)},
        "provenance": merged.provenance,
    }


def scores(ctx: ServerContext, access: Access) -> list[dict[str, Any]]:
    """Party: its own score (0..1 from its no deal to its best package) of each published version."""
    with ctx.db.reading() as s:
        neg = get_negotiation(s, access.negotiation_id)
        own, session = merged_session(ctx, s, neg, only=access.party)
        rows = published_drafts(s, neg.id)
    if own.provenance.get(access.party, {}).get("version") is None:
        # no submission yet: nothing of its own to score with (the mediator's estimates stay private)
        return [{"version": d.version, "score": None} for d in rows]
    return own_scores(session, access.party, rows)
