"""Negotiations: create (embedded, JSON or uploaded scenario), list, view, issues, scenario, status."""

from __future__ import annotations

from typing import Annotated, Any

import yaml
from fastapi import APIRouter, Depends, File, Form, HTTPException, UploadFile

from peacetable.model import Scenario
from peacetable.web.deps import Access, Ctx, Organiser, User_, allowed
from peacetable.web.permissions import Action
from peacetable.web.schemas import NegotiationIn
from peacetable.web.services import negotiations
from peacetable.web.services.common import problems_as

router = APIRouter(prefix="/api/negotiations", tags=["negotiations"])


#: How a scenario that does not load is answered (422 with its located problems).
_SCENARIO_PROBLEMS = (422, "the scenario has problems")


def scenario_from_text(text: str, name: str, fmt: str) -> Scenario:
    """Parse an uploaded scenario; YAML anchors and aliases are refused (no alias bombs)."""
    from peacetable.io import loads_scenario

    if fmt == "yaml":
        try:
            if any(isinstance(t, yaml.AliasToken | yaml.AnchorToken) for t in yaml.scan(text)):
                raise HTTPException(
                    422, "YAML anchors and aliases (& and *) are not accepted in uploads"
                )
        except yaml.YAMLError:
            pass  # the loader reports it with its position
    with problems_as(*_SCENARIO_PROBLEMS):
        return loads_scenario(text, file=name, fmt=fmt)


def _scenario(body: NegotiationIn) -> Scenario:
    given = [x is not None for x in (body.scenario_id, body.scenario, body.scenario_text)]
    if sum(given) != 1:
        raise HTTPException(422, "give exactly one of scenario_id, scenario or scenario_text")
    with problems_as(*_SCENARIO_PROBLEMS):
        if body.scenario_id is not None:
            from peacetable.scenarios import load_builtin

            return load_builtin(body.scenario_id)
        if body.scenario is not None:
            from peacetable.io import scenario_from_data

            return scenario_from_data(body.scenario, file="<scenario>")
    assert body.scenario_text is not None
    return scenario_from_text(body.scenario_text, "<scenario_text>", body.format)


@router.get("")
def list_negotiations(user: User_, ctx: Ctx) -> list[dict[str, Any]]:
    """The negotiations you are a member of, with your role."""
    return negotiations.list_for(ctx, user)


@router.post("", status_code=201)
def create(body: NegotiationIn, user: Organiser, ctx: Ctx) -> dict[str, Any]:
    """Organiser: a new negotiation; you become its mediator."""
    return negotiations.create(ctx, user, _scenario(body), body.title)


@router.post("/upload", status_code=201)
async def upload(
    user: Organiser,
    ctx: Ctx,
    file: Annotated[UploadFile, File(description="a scenario file, .yaml or .json")],
    title: Annotated[str | None, Form(max_length=300)] = None,
) -> dict[str, Any]:
    """Organiser: a new negotiation from an uploaded scenario file."""
    name = file.filename or "upload"
    raw = await file.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise HTTPException(422, f"{name}: not UTF-8 text") from None
    fmt = "json" if name.lower().endswith(".json") else "yaml"
    scenario = scenario_from_text(text, name, fmt)
    return negotiations.create(ctx, user, scenario, title)


@router.get("/{negotiation_id}")
def view(
    access: Annotated[Access, Depends(allowed(Action.VIEW_NEGOTIATION))], ctx: Ctx
) -> dict[str, Any]:
    """The negotiation as you see it."""
    return negotiations.view(ctx, access)


@router.get("/{negotiation_id}/issues")
def issues(
    access: Annotated[Access, Depends(allowed(Action.VIEW_ISSUES))], ctx: Ctx
) -> dict[str, Any]:
    """Parties, issues, options and events in words (nobody's numbers)."""
    return negotiations.issues(ctx, access)


@router.get("/{negotiation_id}/scenario")
def scenario(
    access: Annotated[Access, Depends(allowed(Action.VIEW_SCENARIO))], ctx: Ctx
) -> dict[str, Any]:
    """Mediator: the scenario with the mediator's estimates."""
    return negotiations.scenario_data(ctx, access)


@router.get("/{negotiation_id}/status")
def status(
    access: Annotated[Access, Depends(allowed(Action.VIEW_MEMBERS))], ctx: Ctx
) -> dict[str, Any]:
    """Mediator: members, invitations and each party's progress."""
    return negotiations.status(ctx, access)
