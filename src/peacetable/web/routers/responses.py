"""Responses to published versions, the mediator's comparison with predictions, the agreement."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path

from peacetable.web.deps import Access, Ctx, allowed
from peacetable.web.permissions import Action
from peacetable.web.schemas import MAX_INT, ResponseIn
from peacetable.web.services import responses

router = APIRouter(prefix="/api/negotiations/{negotiation_id}", tags=["responses"])


@router.post("/published/{version}/responses", status_code=201)
def respond(
    version: Annotated[int, Path(ge=1, le=MAX_INT)],
    body: ResponseIn,
    access: Annotated[Access, Depends(allowed(Action.RESPOND))],
    ctx: Ctx,
) -> dict[str, Any]:
    """Party: accept, reject or comment, and mark provisions it cannot live with."""
    return responses.respond(
        ctx, access, version, body.verdict, body.comment, list(body.cannot_live_with)
    )


@router.get("/my/responses")
def own(
    access: Annotated[Access, Depends(allowed(Action.VIEW_OWN_RESPONSES))], ctx: Ctx
) -> list[dict[str, Any]]:
    """Party: its own responses."""
    return responses.own(ctx, access)


@router.get("/responses")
def everyone(
    access: Annotated[Access, Depends(allowed(Action.VIEW_ALL_RESPONSES))], ctx: Ctx
) -> list[dict[str, Any]]:
    """Mediator: per version, each party's response beside its predicted verdict."""
    return responses.everyone(ctx, access)


@router.get("/agreement")
def agreement(
    access: Annotated[Access, Depends(allowed(Action.VIEW_AGREEMENT))], ctx: Ctx
) -> dict[str, Any]:
    """The agreement, if reached: text and settlement code (SHA-256 of the text)."""
    return responses.agreement(ctx, access)
