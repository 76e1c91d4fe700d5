"""Pages of every member: the party's pages, the elicitation steps, the observer's page, the record.

Each page is admitted by :func:`peacetable.web.deps.allowed` and reads
through the services; a party's pages are built from its own data alone
(its submissions, its scores, its responses), like the ``/my/`` API.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from peacetable.web import presenting
from peacetable.web.deps import Access, Ctx, allowed
from peacetable.web.pagekit import frame, render_member, require
from peacetable.web.permissions import Action
from peacetable.web.services import drafts, records, responses, submissions

router = APIRouter(include_in_schema=False)

LANDING = {"mediator": "desk", "party": "party", "observer": "texts"}


@router.get("/n/{negotiation_id}")
def landing(access: Annotated[Access, Depends(allowed(Action.VIEW_NEGOTIATION))]) -> Any:
    """A member's page of the negotiation, by role."""
    return RedirectResponse(f"/n/{access.negotiation_id}/{LANDING[access.role]}", status_code=303)


def _published(ctx: Ctx, access: Access, issues: dict[str, Any]) -> list[dict[str, Any]]:
    """Published versions, newest first, with readable provisions."""
    out = []
    for d in reversed(drafts.listing(ctx, access, published_only=True)):
        out.append({**d, "provisions": presenting.provisions(d["package"], d["wording"], issues)})
    return out


def _latest_own(ctx: Ctx, access: Access) -> dict[str, Any] | None:
    mine = submissions.own(ctx, access)
    return mine[-1] if mine else None


@router.get("/n/{negotiation_id}/party", response_class=HTMLResponse)
def party_page(
    request: Request,
    access: Annotated[Access, Depends(allowed(Action.VIEW_OWN_SCORES))],
    ctx: Ctx,
) -> HTMLResponse:
    """A party's page: its preferences, the published versions with its own score, its answers."""
    require(
        access,
        Action.RESPOND,
        Action.VIEW_PUBLISHED,
        Action.VIEW_OWN_SUBMISSIONS,
        Action.VIEW_OWN_RESPONSES,
        Action.VIEW_AGREEMENT,
    )
    base = frame(ctx, access, "party")
    published = _published(ctx, access, base["issues"])
    scores = {s["version"]: s["score"] for s in drafts.scores(ctx, access)}
    answers: dict[int, dict[str, Any]] = {}
    for r in responses.own(ctx, access):
        answers[int(r["version"])] = r  # the latest answer to each version counts
    agreement = responses.agreement(ctx, access)
    chart = None
    if published and any(scores.get(d["version"]) is not None for d in published):
        ordered = list(reversed(published))
        chart = {
            "kind": "own-scores",
            "title": "Your score of each published version (0 % = walking away, 100 % = your best)",
            "labels": [f"v{d['version']}" for d in ordered],
            "values": [round(100 * (scores.get(d["version"]) or 0.0), 1) for d in ordered],
        }
    return render_member(
        request,
        ctx,
        access,
        "party.html",
        **base,
        latest=_latest_own(ctx, access),
        published=published,
        scores=scores,
        answers=answers,
        agreement=agreement,
        chart=chart,
        answerable=_answerable(published, agreement),
    )


def _answerable(published: list[dict[str, Any]], agreement: dict[str, Any]) -> set[int]:
    """The versions a party may still answer (as the service allows)."""
    if not agreement.get("agreed"):
        return {int(d["version"]) for d in published}
    agreed = int(agreement["version"])
    return {
        int(d["version"])
        for d in published
        if d["kind"] == "improvement" and int(d["version"]) > agreed
    }


@router.get("/n/{negotiation_id}/preferences", response_class=HTMLResponse)
def elicitation(
    request: Request,
    access: Annotated[Access, Depends(allowed(Action.SUBMIT_PREFERENCES))],
    ctx: Ctx,
) -> HTMLResponse:
    """The steps in which a party tells the mediator what it values (prefilled with its last)."""
    require(access, Action.VIEW_OWN_SUBMISSIONS, Action.VIEW_ISSUES)
    base = frame(ctx, access, "preferences")
    latest = _latest_own(ctx, access)
    prefs: dict[str, Any] = latest["preferences"] if latest else {}
    return render_member(
        request,
        ctx,
        access,
        "elicit.html",
        **base,
        latest=latest,
        prefs=prefs,
        rows=_elicitation_rows(base["issues"], prefs),
    )


def _elicitation_rows(issues: dict[str, Any], prefs: dict[str, Any]) -> list[dict[str, Any]]:
    """Per issue: its options in the party's last order, their ratings, whether it answered it."""
    rows = []
    ranking, ratings = prefs.get("ranking", {}), prefs.get("ratings", {})
    for issue in issues["issues"]:
        options = {o["id"]: o for o in issue["options"]}
        order = [o for o in ranking.get(issue["id"], []) if o in options] or list(options)
        n = len(order)
        given = ratings.get(issue["id"], {})
        rated = []
        for k, oid in enumerate(order):
            even = 100.0 - k * (100.0 / (n - 1)) if n > 1 else 100.0
            value = given.get(oid, even)
            rated.append({**options[oid], "rating": value})
        rows.append(
            {
                **issue,
                "ordered": rated,
                "answered": issue["id"] in ranking or issue["id"] in ratings,
                "rated": issue["id"] in ratings,
                "weight": prefs.get("weights", {}).get(issue["id"], 0),
            }
        )
    return rows


@router.get("/n/{negotiation_id}/texts", response_class=HTMLResponse)
def texts(
    request: Request,
    access: Annotated[Access, Depends(allowed(Action.VIEW_PUBLISHED))],
    ctx: Ctx,
) -> HTMLResponse:
    """The published versions and the agreement (what an observer sees)."""
    require(access, Action.VIEW_AGREEMENT)
    base = frame(ctx, access, "texts")
    return render_member(
        request,
        ctx,
        access,
        "texts.html",
        **base,
        published=_published(ctx, access, base["issues"]),
        agreement=responses.agreement(ctx, access),
    )


@router.get("/n/{negotiation_id}/record", response_class=HTMLResponse)
def record_page(
    request: Request,
    access: Annotated[Access, Depends(allowed(Action.VIEW_RECORD))],
    ctx: Ctx,
) -> HTMLResponse:
    """The record as this member may see it, the checkpoint to keep, and how to verify."""
    base = frame(ctx, access, "record")
    listing = records.listing(ctx, access, 0, 10_000)
    names = presenting.party_names(base["issues"])
    entries = [
        {**e, "text": presenting.describe_entry(e, names)} for e in reversed(listing["entries"])
    ]
    return render_member(
        request, ctx, access, "record.html", **base, size=listing["size"], entries=entries
    )
