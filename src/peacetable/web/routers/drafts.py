"""The single negotiating text: drafts (mediator), published versions (every member), scores."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from peacetable.web.deps import Access, Ctx, allowed
from peacetable.web.permissions import Action
from peacetable.web.schemas import MAX_INT, DraftIn
from peacetable.web.services import drafts

router = APIRouter(prefix="/api/negotiations/{negotiation_id}", tags=["negotiating text"])
Write = Annotated[Access, Depends(allowed(Action.WRITE_DRAFTS))]
Published = Annotated[Access, Depends(allowed(Action.VIEW_PUBLISHED))]
Version = Annotated[int, Path(ge=1, le=MAX_INT)]
Against = Annotated[int, Query(ge=1, le=MAX_INT, description="the version to compare with")]


@router.post("/drafts", status_code=201)
def create(body: DraftIn, access: Write, ctx: Ctx) -> dict[str, Any]:
    """Mediator: write a new version (after agreement: a post-settlement improvement)."""
    return drafts.create(
        ctx, access, body.title, body.package, body.wording, body.note, body.based_on
    )


@router.get("/drafts")
def listing(access: Write, ctx: Ctx) -> list[dict[str, Any]]:
    """Mediator: every version, published or not."""
    return drafts.listing(ctx, access, published_only=False)


@router.get("/drafts/{version}")
def get(version: Version, access: Write, ctx: Ctx) -> dict[str, Any]:
    """Mediator: one version with its text."""
    return drafts.get(ctx, access, version, published=False)


@router.get("/drafts/{version}/diff")
def diff(version: Version, against: Against, access: Write, ctx: Ctx) -> dict[str, Any]:
    """Mediator: what changed between two versions."""
    return drafts.diff(ctx, access, version, against, published=False)


@router.post("/drafts/{version}/publish")
def publish(version: Version, access: Write, ctx: Ctx) -> dict[str, Any]:
    """Mediator: publish a version to the parties and observers."""
    return drafts.publish(ctx, access, version)


@router.get("/drafts/{version}/analysis")
def analyse(
    version: Version, access: Annotated[Access, Depends(allowed(Action.ANALYSE))], ctx: Ctx
) -> dict[str, Any]:
    """Mediator: who accepts and why not, fewest changes, Pareto improvements, fair packages."""
    return drafts.analyse(ctx, access, version)


@router.get("/published")
def published(access: Published, ctx: Ctx) -> list[dict[str, Any]]:
    """Every published version with its text."""
    return drafts.listing(ctx, access, published_only=True)


@router.get("/published/{version}")
def published_one(version: Version, access: Published, ctx: Ctx) -> dict[str, Any]:
    """One published version."""
    return drafts.get(ctx, access, version, published=True)


@router.get("/published/{version}/diff")
def published_diff(
    version: Version, against: Against, access: Published, ctx: Ctx
) -> dict[str, Any]:
    """What changed between two published versions."""
    return drafts.diff(ctx, access, version, against, published=True)


@router.get("/my/scores")
def scores(
    access: Annotated[Access, Depends(allowed(Action.VIEW_OWN_SCORES))], ctx: Ctx
) -> list[dict[str, Any]]:
    """Party: its own score of each published version (0 = its no deal, 1 = its best package)."""
    return drafts.scores(ctx, access)
