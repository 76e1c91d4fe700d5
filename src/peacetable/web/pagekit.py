"""What every workbench page shares: rendering for a member, the negotiation frame, permissions.

A page is admitted by :func:`peacetable.web.deps.allowed` for its main
action; :func:`require` checks the further actions whose content it shows
against the same :data:`peacetable.web.permissions.POLICY`.
"""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse

from peacetable.web import presenting
from peacetable.web.context import ServerContext
from peacetable.web.deps import Access
from peacetable.web.permissions import Action, permits
from peacetable.web.routers.pages import render
from peacetable.web.services import negotiations


def require(access: Access, *actions: Action) -> None:
    """403 unless the member's role permits every one of *actions* (as the API would answer)."""
    for action in actions:
        if not permits(access.role, action):
            raise HTTPException(403, f"a {access.role} may not {action.value}")


def frame(ctx: ServerContext, access: Access, tab: str) -> dict[str, Any]:
    """The negotiation as this member sees it, its issues in words, and the current tab."""
    return {
        "neg": negotiations.view(ctx, access),
        "issues": negotiations.issues(ctx, access),
        "tab": tab,
        "nid": access.negotiation_id,
    }


def render_member(
    request: Request, ctx: ServerContext, access: Access, name: str, **values: Any
) -> HTMLResponse:
    """A page for a member of the negotiation (with the helpers its templates use)."""
    return render(
        request,
        ctx,
        name,
        access.user,
        role=access.role,
        percent=presenting.percent,
        code_groups=presenting.code_groups,
        plotly_ids=presenting.plotly_style_ids(),
        **values,
    )
