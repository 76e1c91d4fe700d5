"""The mediator's desk: parties and invitations, the current draft, analysis, editor, history.

Pages only read: each is admitted by :func:`peacetable.web.deps.allowed`
with the action it shows and gets its content from the same services as the
JSON API; every change the pages make goes through the JSON API (from
``workbench.js``), so no page route can do what the API would refuse.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse

from peacetable.web import presenting
from peacetable.web.deps import Access, Ctx, allowed
from peacetable.web.pagekit import frame, render_member, require
from peacetable.web.permissions import Action
from peacetable.web.schemas import MAX_INT
from peacetable.web.services import drafts, invites, negotiations, responses

router = APIRouter(include_in_schema=False)
Members = Annotated[Access, Depends(allowed(Action.VIEW_MEMBERS))]
Write = Annotated[Access, Depends(allowed(Action.WRITE_DRAFTS))]
Version = Annotated[int, Path(ge=1, le=MAX_INT)]


def _status_values(ctx: Ctx, access: Access, issues: dict[str, Any]) -> dict[str, Any]:
    """What the live part of the desk shows: parties' progress and the latest version's answers."""
    status = negotiations.status(ctx, access)
    answers = responses.everyone(ctx, access)
    return {
        "progress": status,
        "latest_answers": answers[-1] if answers else None,
        "names": presenting.party_names(issues),
        "issue_names": presenting.issue_names(issues),
    }


@router.get("/n/{negotiation_id}/desk", response_class=HTMLResponse)
def desk(request: Request, access: Members, ctx: Ctx) -> HTMLResponse:
    """The mediator's desk of one negotiation."""
    require(access, Action.MANAGE_INVITES, Action.WRITE_DRAFTS, Action.VIEW_ALL_RESPONSES)
    base = frame(ctx, access, "desk")
    versions = drafts.listing(ctx, access, published_only=False)
    labels = presenting.option_labels(base["issues"])
    history = []
    for k, v in enumerate(versions):
        against = v["based_on"] or (versions[k - 1]["version"] if k else None)
        change = drafts.diff(ctx, access, v["version"], against, False) if against else None
        history.append(
            {
                **v,
                "against": against,
                "changes": [
                    {
                        **c,
                        "old": labels[c["issue"]].get(c["from"], c["from"]),
                        "new": labels[c["issue"]].get(c["to"], c["to"]),
                    }
                    for c in (change["changes"] if change else [])
                ],
                "title_change": change["title"] if change else None,
            }
        )
    latest = drafts.get(ctx, access, versions[-1]["version"], False) if versions else None
    return render_member(
        request,
        ctx,
        access,
        "desk.html",
        **base,
        **_status_values(ctx, access, base["issues"]),
        invites=invites.listing(ctx, access),
        history=list(reversed(history)),
        latest=latest,
        latest_provisions=presenting.provisions(
            latest["package"], latest["wording"], base["issues"]
        )
        if latest
        else [],
    )


@router.get("/n/{negotiation_id}/desk/live", response_class=HTMLResponse)
def desk_live(request: Request, access: Members, ctx: Ctx) -> HTMLResponse:
    """The live part of the desk (refreshed when the record grows)."""
    require(access, Action.VIEW_ALL_RESPONSES)
    base = frame(ctx, access, "desk")
    return render_member(
        request,
        ctx,
        access,
        "_desk_live.html",
        **base,
        **_status_values(ctx, access, base["issues"]),
    )


@router.get("/n/{negotiation_id}/desk/drafts/{version}", response_class=HTMLResponse)
def draft_page(request: Request, version: Version, access: Write, ctx: Ctx) -> HTMLResponse:
    """One version: its text, the parties' answers beside the predictions, and the analysis."""
    require(access, Action.ANALYSE, Action.VIEW_ALL_RESPONSES)
    base = frame(ctx, access, "desk")
    issues = base["issues"]
    draft = drafts.get(ctx, access, version, False)
    try:
        result = drafts.analyse(ctx, access, version)
        problem = None
    except HTTPException as exc:
        result, problem = None, exc.detail
    answers = next((a for a in responses.everyone(ctx, access) if a["version"] == version), None)
    analysis = result["analysis"] if result else None
    names = presenting.party_names(issues)
    return render_member(
        request,
        ctx,
        access,
        "draft.html",
        **base,
        draft=draft,
        draft_provisions=presenting.provisions(draft["package"], draft["wording"], issues),
        analysis=analysis,
        analysis_problem=problem,
        provenance=result["provenance"] if result else {},
        answers=answers,
        names=names,
        suggestions=presenting.suggestions(analysis, draft["package"], issues) if analysis else [],
        chart=_chart(analysis, names) if analysis else None,
    )


def _chart(analysis: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """Chart data: each party's score of the draft (mediator only)."""
    rows = analysis["parties"]
    return {
        "kind": "scores",
        "title": "How far the draft goes for each party (0 % = walking away, 100 % = its best)",
        "labels": [names.get(p["party"], p["party"]) for p in rows],
        "values": [round(100 * (p["score"] or 0.0), 1) for p in rows],
        "accepts": [bool(p["accepts"]) for p in rows],
    }


@router.get("/n/{negotiation_id}/desk/new", response_class=HTMLResponse)
def editor(
    request: Request,
    access: Write,
    ctx: Ctx,
    base: Annotated[int | None, Query(ge=1, le=MAX_INT)] = None,
    suggestion: Annotated[str | None, Query(max_length=100)] = None,
    proposal: Annotated[str | None, Query(max_length=100)] = None,
) -> HTMLResponse:
    """The draft editor: an option per issue and the wording, from a version, a suggestion or one
    of the scenario's proposals."""
    require(access, Action.VIEW_SCENARIO)
    frame_values = frame(ctx, access, "desk")
    issues = frame_values["issues"]
    proposals = negotiations.scenario_data(ctx, access).get("proposals", [])
    start: dict[str, Any] = {"title": "", "package": {}, "wording": {}, "note": ""}
    chosen = None
    if proposal is not None:
        found_proposal = next((p for p in proposals if p["id"] == proposal), None)
        if found_proposal is None:
            raise HTTPException(404, "no such proposal in the scenario")
        start = {**start, "title": found_proposal["name"], "package": found_proposal["package"]}
    elif base is not None:
        start = drafts.get(ctx, access, base, False)
        if suggestion:
            require(access, Action.ANALYSE)
            analysis = drafts.analyse(ctx, access, base)["analysis"]
            found = presenting.suggestions(analysis, start["package"], issues)
            chosen = next((s for s in found if s["id"] == suggestion), None)
            if chosen is None:
                raise HTTPException(404, "no such suggestion for this version")
            start = {**start, "package": chosen["package"]}
    return render_member(
        request,
        ctx,
        access,
        "editor.html",
        **frame_values,
        start=start,
        base=base,
        suggestion=chosen,
        proposals=proposals,
        proposal=proposal,
    )
