"""Helpers shared by the services: loading a negotiation, its scenario and the merged scenario."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import HTTPException
from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer

from peacetable.errors import PeacetableError, ScenarioError
from peacetable.io import scenario_from_data
from peacetable.model import Scenario
from peacetable.web import analysis
from peacetable.web.analysis import LensSession
from peacetable.web.context import ServerContext
from peacetable.web.db import lock_negotiation
from peacetable.web.elicitation import PreferenceInput
from peacetable.web.merge import Merged, Submitted, merge
from peacetable.web.models import Draft, Negotiation, Submission


def problems_of(exc: PeacetableError) -> list[dict[str, Any]]:
    """Located problems as JSON: ``[{"field", "line", "column", "message"}]``."""
    found = exc.problems if isinstance(exc, ScenarioError) else [exc]
    out = []
    for p in found:
        loc = p.location
        out.append(
            {
                "field": loc.field if loc else None,
                "line": loc.line if loc else None,
                "column": loc.column if loc else None,
                "message": p.message,
            }
        )
    return out


@contextmanager
def problems_as(status: int, message: str) -> Iterator[None]:
    """Turn a :class:`~peacetable.errors.PeacetableError` raised in the block into HTTP
    *status* with *message* and the located problems (:func:`problems_of`)."""
    try:
        yield
    except PeacetableError as exc:
        raise HTTPException(status, {"message": message, "problems": problems_of(exc)}) from None


def locked(s: Session, negotiation_id: str) -> Negotiation:
    """The negotiation row, locked for the write transaction."""
    neg = lock_negotiation(s, negotiation_id)
    if neg is None:
        raise HTTPException(404, "no such negotiation")
    return neg


def get_negotiation(s: Session, negotiation_id: str) -> Negotiation:
    """The negotiation row (404 if absent)."""
    neg = s.execute(
        select(Negotiation)
        .options(defer(Negotiation.scenario_json))  # loaded only when a scenario is not cached
        .where(Negotiation.id == negotiation_id)
    ).scalar_one_or_none()
    if neg is None:
        raise HTTPException(404, "no such negotiation")
    return neg


def scenario_of(ctx: ServerContext, neg: Negotiation) -> Scenario:
    """The negotiation's scenario (parsed once per process)."""
    key = ("scenario", neg.id)
    found = ctx.cache.get(key)
    if found is None:
        found = scenario_from_data(json.loads(neg.scenario_json), file=f"<negotiation {neg.id}>")
        ctx.cache[key] = found
    assert isinstance(found, Scenario)
    return found


def cached_scenario(ctx: ServerContext, negotiation_id: str) -> Scenario:
    """The negotiation's scenario, from the cache when it was read before."""
    found = ctx.cache.get(("scenario", negotiation_id))
    if isinstance(found, Scenario):
        return found
    with ctx.db.reading() as s:
        return scenario_of(ctx, get_negotiation(s, negotiation_id))


#: Lens sessions kept per process (each holds its prepared scenario and lens results).
MAX_SESSIONS = 32


def _keep_session(ctx: ServerContext, key: tuple[Any, ...], session: LensSession) -> None:
    """Cache a lens session, dropping the oldest beyond :data:`MAX_SESSIONS`."""
    held = [k for k in ctx.cache if isinstance(k, tuple) and k[:1] == ("session",)]
    for old in held[: max(0, len(held) - MAX_SESSIONS + 1)]:
        ctx.cache.pop(old, None)
    ctx.cache[key] = session


def scenario_session(ctx: ServerContext, neg: Negotiation) -> LensSession:
    """A lens session on the negotiation's own scenario (the mediator's estimates)."""
    key = ("session", neg.id, "scenario")
    found = ctx.cache.get(key)
    if not isinstance(found, LensSession):
        found = analysis.open_session(scenario_of(ctx, neg))
        _keep_session(ctx, key, found)
    return found


def latest_submissions(s: Session, negotiation_id: str) -> dict[str, Submission]:
    """Each party's latest submission."""
    newest = (
        select(Submission.party_id, func.max(Submission.version).label("v"))
        .where(Submission.negotiation_id == negotiation_id)
        .group_by(Submission.party_id)
        .subquery()
    )
    rows = s.execute(
        select(Submission)
        .join(
            newest,
            (Submission.party_id == newest.c.party_id) & (Submission.version == newest.c.v),
        )
        .where(Submission.negotiation_id == negotiation_id)
    ).scalars()
    return {r.party_id: r for r in rows}


def submitted(row: Submission) -> Submitted:
    """A stored submission as merge input."""
    return Submitted(PreferenceInput.model_validate_json(row.content_json), row.version)


def merged_key(
    negotiation_id: str, latest: dict[str, Submission], only: str | None = None
) -> tuple[Any, ...]:
    """A cache key naming the merged scenario of these latest submissions."""
    versions = tuple(sorted((p, r.version) for p, r in latest.items()))
    return ("merged", negotiation_id, only, versions)


def _merged(
    ctx: ServerContext, s: Session, neg: Negotiation, only: str | None
) -> tuple[tuple[Any, ...], Merged]:
    """The merged scenario and its cache key (one per set of latest submission versions)."""
    latest = latest_submissions(s, neg.id)
    if only is not None:
        latest = {only: latest[only]} if only in latest else {}
    key = merged_key(neg.id, latest, only)
    found = ctx.cache.get(key)
    if found is None:
        base = scenario_of(ctx, neg)
        subs = {p: submitted(r) for p, r in latest.items()}
        found = merge(base, subs, only=only, label=f"<negotiation {neg.id}>")
        if len(ctx.cache) > 512:
            ctx.cache.clear()
        ctx.cache[key] = found
    assert isinstance(found, Merged)
    return key, found


def merged_scenario(
    ctx: ServerContext, s: Session, neg: Negotiation, only: str | None = None
) -> Merged:
    """The negotiation's scenario with the latest submissions merged in (cached per version set).

    With *only*, just that party's preferences (its submission over the
    mediator's estimates of it): what the party's own views are computed on.
    """
    return _merged(ctx, s, neg, only)[1]


def merged_session(
    ctx: ServerContext, s: Session, neg: Negotiation, only: str | None = None
) -> tuple[Merged, LensSession]:
    """The merged scenario (as :func:`merged_scenario`) and the lens session on it.

    One session per negotiation and merged-scenario version (the set of
    latest submission versions, and *only*): every analysis of that version
    reads the lens results already computed (frontier, fair packages, each
    draft's diagnosis).
    """
    key, merged = _merged(ctx, s, neg, only)
    found = ctx.cache.get(("session", *key))
    if not isinstance(found, LensSession) or found.scenario is not merged.scenario:
        found = analysis.open_session(merged.scenario)
        _keep_session(ctx, ("session", *key), found)
    return merged, found


def draft_content(row: Draft) -> dict[str, Any]:
    """The stored content of a draft version."""
    content: dict[str, Any] = json.loads(row.content_json)
    return content


def published_drafts(s: Session, negotiation_id: str) -> list[Draft]:
    """The negotiation's published versions, oldest first."""
    return list(
        s.execute(
            select(Draft)
            .where(Draft.negotiation_id == negotiation_id, Draft.published_at.is_not(None))
            .order_by(Draft.version)
        ).scalars()
    )


def own_scores(session: LensSession, party: str, drafts: list[Draft]) -> list[dict[str, Any]]:
    """*party*'s score of each draft (0..1 from its no deal to its best package), on its own view."""
    return [
        {
            "version": d.version,
            "score": analysis.party_score(session, party, draft_content(d)["package"]),
        }
        for d in drafts
    ]


def get_draft(s: Session, negotiation_id: str, version: int, published: bool = False) -> Draft:
    """One draft version (404 if absent, or unpublished when *published*)."""
    row = s.execute(
        select(Draft).where(Draft.negotiation_id == negotiation_id, Draft.version == version)
    ).scalar_one_or_none()
    if row is None or (published and row.published_at is None):
        raise HTTPException(404, f"no {'published ' if published else ''}version {version}")
    return row


def draft_text(scenario: Scenario, content: dict[str, Any]) -> str:
    """The text of a draft as parties read it; its SHA-256 is the settlement code.

    One line for the title, then per provision (scenario issue order) the
    issue name, the chosen option's label and the wording, separated by
    blank lines; UTF-8, ``\\n`` line ends.
    """
    lines = [str(content.get("title", "")).strip(), ""]
    for issue in scenario.issues:
        oid = content["package"][issue.id]
        label = next(o.label for o in issue.options if o.id == oid)
        lines.append(f"{issue.name}: {label}")
        wording = str(content.get("wording", {}).get(issue.id, "")).strip()
        if wording:
            lines.append(wording)
        lines.append("")
    return "\n".join(lines)
