"""The record: entries, signed checkpoints, inclusion and consistency proofs, download."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from peacetable.web.deps import Access, Ctx, allowed
from peacetable.web.permissions import Action
from peacetable.web.schemas import MAX_INT
from peacetable.web.services import records

router = APIRouter(prefix="/api/negotiations/{negotiation_id}/record", tags=["record"])
View = Annotated[Access, Depends(allowed(Action.VIEW_RECORD))]


@router.get("")
def listing(
    access: View,
    ctx: Ctx,
    start: Annotated[int, Query(ge=0, le=MAX_INT)] = 0,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> dict[str, Any]:
    """Record entries (private items appear only as commitments)."""
    return records.listing(ctx, access, start, limit)


@router.get("/checkpoint")
def checkpoint(access: View, ctx: Ctx) -> dict[str, Any]:
    """A signed checkpoint (tree size, root hash, time) to keep."""
    return records.checkpoint(ctx, access)


@router.get("/proof")
def inclusion(
    access: View,
    ctx: Ctx,
    seq: Annotated[int, Query(ge=0, le=MAX_INT)],
    tree_size: Annotated[int | None, Query(ge=1, le=MAX_INT)] = None,
) -> dict[str, Any]:
    """Inclusion proof of one entry."""
    return records.inclusion(ctx, access, seq, tree_size)


@router.get("/consistency")
def consistency(
    access: View,
    ctx: Ctx,
    first: Annotated[int, Query(ge=0, le=MAX_INT)],
    second: Annotated[int | None, Query(ge=0, le=MAX_INT)] = None,
) -> dict[str, Any]:
    """Consistency proof from a checkpoint you kept (size *first*) to now (or *second*)."""
    return records.consistency(ctx, access, first, second)


@router.get("/download")
def download(access: View, ctx: Ctx) -> dict[str, Any]:
    """The record to verify with ``peacetable record verify`` (with your own openings)."""
    return records.download(ctx, access)
