"""The few server-rendered pages a person needs a link for: set-up, invitation, sign-in, home.

Every value is escaped by Jinja2's autoescape; no page has inline script.
The pages of the mediation workbench come later and build on the JSON API.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from peacetable.web.context import ServerContext
from peacetable.web.deps import Ctx, CurrentUser, MaybeUser
from peacetable.web.routers.auth import clear_session, client_address, csrf_for, limit, set_session
from peacetable.web.services import accounts, invites, negotiations

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form(max_length=1024)]
OptionalText = Annotated[str, Form(max_length=1024)]


def render(
    request: Request,
    ctx: ServerContext,
    name: str,
    user: CurrentUser | None,
    status: int = 200,
    **values: Any,
) -> HTMLResponse:
    """A page from a template (autoescaped), with the user and the CSRF token for its forms."""
    response = HTMLResponse("", status_code=status)
    token = csrf_for(request, response, ctx)
    html = ctx.templates.get_template(name).render(
        user=user, csrf_token=token, min_length=ctx.settings.passwords.min_length, **values
    )
    response.body = response.render(html)
    response.headers["content-length"] = str(len(response.body))
    return response


def _detail(exc: HTTPException) -> str:
    d = exc.detail
    return str(d.get("message", d)) if isinstance(d, dict) else str(d)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, user: MaybeUser, ctx: Ctx) -> HTMLResponse:
    """The start page."""
    listing = negotiations.list_for(ctx, user) if user else []
    return render(request, ctx, "home.html", user, negotiations=listing)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, user: MaybeUser, ctx: Ctx) -> HTMLResponse:
    """The sign-in form."""
    return render(request, ctx, "login.html", user, username="")


@router.post("/login")
def login(request: Request, ctx: Ctx, username: Text, password: Text) -> Response:
    """Sign in from the form."""
    try:
        limit(ctx, "login", client_address(request))
        limit(ctx, "login_account", username.lower())
        token = accounts.login(ctx, username, password)
    except HTTPException as exc:
        return render(
            request, ctx, "login.html", None, exc.status_code, error=_detail(exc), username=username
        )
    response = RedirectResponse("/", status_code=303)
    set_session(response, ctx, token)
    return response


@router.post("/logout")
def logout(user: MaybeUser, ctx: Ctx) -> Response:
    """Sign out from the form."""
    if user is not None:
        accounts.logout(ctx, user.session_id)
    response = RedirectResponse("/", status_code=303)
    clear_session(response)
    return response


def _account_form(password: str, confirm: str) -> str | None:
    """What is wrong with the account form (the rest is checked where accounts are made)."""
    return "the two passwords differ" if password != confirm else None


@router.get("/setup/{token}", response_class=HTMLResponse)
def setup_page(token: str, request: Request, ctx: Ctx) -> HTMLResponse:
    """The organiser set-up form of a one-time link."""
    if not accounts.setup_link_valid(ctx, token[:200]):
        return render(
            request,
            ctx,
            "message.html",
            None,
            404,
            heading="Link not valid",
            message="This set-up link is unknown, used or expired.",
        )
    return render(
        request,
        ctx,
        "setup.html",
        None,
        action=f"/setup/{token}",
        button="Create account",
        username="",
    )


@router.post("/setup/{token}")
def setup(
    token: str, request: Request, ctx: Ctx, username: Text, password: Text, confirm: Text
) -> Response:
    """Create the organiser account from the form."""
    try:
        limit(ctx, "invite", client_address(request))
        problem = _account_form(password, confirm)
        if problem:
            raise HTTPException(422, problem)
        session = accounts.use_setup_link(ctx, token[:200], username, password)
    except HTTPException as exc:
        return render(
            request,
            ctx,
            "setup.html",
            None,
            exc.status_code,
            error=_detail(exc),
            action=f"/setup/{token}",
            button="Create account",
            username=username,
        )
    response = RedirectResponse("/", status_code=303)
    set_session(response, ctx, session)
    return response


@router.get("/invite/{token}", response_class=HTMLResponse)
def invite_page(token: str, request: Request, user: MaybeUser, ctx: Ctx) -> HTMLResponse:
    """An invitation: what it is for, and the form to join."""
    try:
        limit(ctx, "invite", client_address(request))
        info = invites.info(ctx, token[:200])
    except HTTPException as exc:
        return render(
            request,
            ctx,
            "message.html",
            user,
            exc.status_code,
            heading="Invitation not valid",
            message=_detail(exc),
        )
    return render(
        request,
        ctx,
        "invite.html",
        user,
        invite=info,
        action=f"/invite/{token}",
        button="Join",
        username="",
    )


@router.post("/invite/{token}")
def accept_invite(
    token: str,
    request: Request,
    user: MaybeUser,
    ctx: Ctx,
    username: OptionalText = "",
    password: OptionalText = "",
    confirm: OptionalText = "",
) -> Response:
    """Join with the invitation from the form."""
    try:
        limit(ctx, "invite", client_address(request))
        info = invites.info(ctx, token[:200])
    except HTTPException as exc:
        return render(
            request,
            ctx,
            "message.html",
            user,
            exc.status_code,
            heading="Invitation not valid",
            message=_detail(exc),
        )
    try:
        if user is None:
            problem = _account_form(password, confirm)
            if problem:
                raise HTTPException(422, problem)
        out = invites.accept(ctx, token[:200], user, username or None, password or None)
    except HTTPException as exc:
        return render(
            request,
            ctx,
            "invite.html",
            user,
            exc.status_code,
            error=_detail(exc),
            invite=info,
            action=f"/invite/{token}",
            button="Join",
            username=username,
        )
    response = RedirectResponse("/", status_code=303)
    if out["session_token"] is not None:
        set_session(response, ctx, out["session_token"])
    return response
