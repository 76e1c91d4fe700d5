"""Preferences: a party's own (check, save, read, preview, open), the mediator's view of all."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path

from peacetable.web.deps import Access, Ctx, allowed
from peacetable.web.elicitation import PreferenceInput
from peacetable.web.permissions import Action
from peacetable.web.schemas import MAX_INT, SubmissionIn
from peacetable.web.services import submissions

router = APIRouter(prefix="/api/negotiations/{negotiation_id}", tags=["preferences"])
Submit = Annotated[Access, Depends(allowed(Action.SUBMIT_PREFERENCES))]
Own = Annotated[Access, Depends(allowed(Action.VIEW_OWN_SUBMISSIONS))]
All = Annotated[Access, Depends(allowed(Action.VIEW_ALL_SUBMISSIONS))]


@router.post("/my/submissions/check")
def check(body: PreferenceInput, access: Submit, ctx: Ctx) -> dict[str, Any]:
    """Party: the rank–rating contradictions and what the numbers imply; nothing is saved."""
    return submissions.check(ctx, access, body)


@router.post("/my/submissions", status_code=201)
def submit(body: SubmissionIn, access: Submit, ctx: Ctx) -> dict[str, Any]:
    """Party: save a new version (only a commitment to it enters the record)."""
    return submissions.submit(ctx, access, body.preferences, body.acknowledge_contradictions)


@router.get("/my/submissions")
def own(access: Own, ctx: Ctx) -> list[dict[str, Any]]:
    """Party: every version it submitted."""
    return submissions.own(ctx, access)


@router.get("/my/preview")
def preview(
    access: Annotated[Access, Depends(allowed(Action.VIEW_OWN_SCORES))], ctx: Ctx
) -> dict[str, Any]:
    """Party: its best packages and its score of each published version."""
    return submissions.preview(ctx, access)


@router.get("/my/openings")
def openings(access: Own, ctx: Ctx) -> list[dict[str, Any]]:
    """Party: salt and content that open each of its commitments in the record."""
    return submissions.openings(ctx, access)


@router.get("/submissions")
def everyone(access: All, ctx: Ctx) -> dict[str, Any]:
    """Mediator: every party's versions, and whose each number in the merged scenario is."""
    return submissions.everyone(ctx, access)


@router.get("/submissions/{party}/{version}")
def one(
    party: Annotated[str, Path(max_length=64)],
    version: Annotated[int, Path(ge=1, le=MAX_INT)],
    access: All,
    ctx: Ctx,
) -> dict[str, Any]:
    """Mediator: one version of one party's submission."""
    return submissions.one(ctx, access, party, version)
