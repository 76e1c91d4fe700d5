"""The record as members see it: entries, checkpoints, proofs, and the verifiable download."""

from __future__ import annotations

import json
from typing import Any

from fastapi import HTTPException

from peacetable.web import record
from peacetable.web.context import ServerContext
from peacetable.web.deps import Access
from peacetable.web.services.common import get_negotiation, locked
from peacetable.web.services.submissions import openings

RECORD_FORMAT = "peacetable-record/1"


def listing(ctx: ServerContext, access: Access, start: int, limit: int) -> dict[str, Any]:
    """Entries ``start .. start+limit-1`` (every entry is safe for every member to see)."""
    with ctx.db.reading() as s:
        neg = get_negotiation(s, access.negotiation_id)
        rows = record.entries(s, neg.id, start + limit)[start:]
        return {
            "size": neg.record_size,
            "entries": [
                {**json.loads(r.entry), "leaf_hash": r.leaf_hash, "receipt": record.receipt(r)}
                for r in rows
            ],
        }


def checkpoint(ctx: ServerContext, access: Access) -> dict[str, Any]:
    """A signed checkpoint of the record now, to keep and check the record against later."""
    with ctx.db.writing(access.negotiation_id) as s:
        return record.make_checkpoint(s, locked(s, access.negotiation_id), ctx.key)


def _size(ctx: ServerContext, access: Access) -> int:
    with ctx.db.reading() as s:
        return get_negotiation(s, access.negotiation_id).record_size


def inclusion(
    ctx: ServerContext, access: Access, seq: int, tree_size: int | None
) -> dict[str, Any]:
    """The proof that entry *seq* is in the tree of *tree_size* entries (default: all)."""
    size = _size(ctx, access)
    n = size if tree_size is None else tree_size
    if not 0 <= seq < n <= size:
        raise HTTPException(422, f"need 0 <= seq < tree_size <= {size}")
    with ctx.db.reading() as s:
        return record.inclusion(s, access.negotiation_id, seq, n)


def consistency(
    ctx: ServerContext, access: Access, first: int, second: int | None
) -> dict[str, Any]:
    """The proof that the record of *first* entries is a prefix of the one of *second*."""
    size = _size(ctx, access)
    n = size if second is None else second
    if not 0 <= first <= n <= size:
        raise HTTPException(422, f"need 0 <= first <= second <= {size}")
    with ctx.db.reading() as s:
        return record.consistency(s, access.negotiation_id, first, n)


def download(ctx: ServerContext, access: Access) -> dict[str, Any]:
    """The whole record to verify offline, with the caller's own commitments opened."""
    with ctx.db.reading() as s:
        neg = get_negotiation(s, access.negotiation_id)
        data = record.export_record(s, neg.id)
        title = neg.title
    mine = openings(ctx, access) if access.role == "party" else []
    return {
        "format": RECORD_FORMAT,
        "negotiation": {"id": access.negotiation_id, "title": title},
        "record": data,
        "openings": mine,
    }
