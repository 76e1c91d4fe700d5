"""Export (mediator) and import (organiser) of a whole negotiation."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends

from peacetable.web.deps import Access, Ctx, Organiser, allowed
from peacetable.web.permissions import Action
from peacetable.web.services import transfer

router = APIRouter(prefix="/api", tags=["export and import"])


@router.get("/negotiations/{negotiation_id}/export")
def export(access: Annotated[Access, Depends(allowed(Action.EXPORT))], ctx: Ctx) -> dict[str, Any]:
    """Mediator: the whole negotiation with its record (JSON)."""
    return transfer.export(ctx, access)


@router.post("/import", status_code=201)
def import_(data: Annotated[dict[str, Any], Body()], user: Organiser, ctx: Ctx) -> dict[str, Any]:
    """Organiser: import an export; it is verified first and refused whole if anything fails."""
    return transfer.import_(ctx, user, data)
