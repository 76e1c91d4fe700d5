"""The few server-rendered pages a person needs a link for: set-up, invitation, sign-in, home.

Every value is escaped by Jinja2's autoescape; no page has inline script.
The pages of the workbench itself are in :mod:`peacetable.web.routers.desk`
(the mediator) and :mod:`peacetable.web.routers.member` (every member).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request, Response
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from peacetable.web import presenting
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


ERROR_HEADINGS = {
    401: "Please sign in",
    403: "Not open to your role",
    404: "Not found",
    409: "Not possible now",
    422: "Not accepted",
}


def error_page(request: Request, ctx: ServerContext, exc: StarletteHTTPException) -> HTMLResponse:
    """A workbench page's refusal as a page (same status as the API would give)."""
    detail = exc.detail
    message = str(detail.get("message", detail)) if isinstance(detail, dict) else str(detail)
    response = render(
        request,
        ctx,
        "message.html",
        None,
        exc.status_code,
        heading=ERROR_HEADINGS.get(exc.status_code, "Something went wrong"),
        message=message[:1].upper() + message[1:] + ".",
        sign_in=exc.status_code == 401,
    )
    if exc.headers:
        response.headers.update(exc.headers)
    return response


def _detail(exc: HTTPException) -> str:
    d = exc.detail
    return str(d.get("message", d)) if isinstance(d, dict) else str(d)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, user: MaybeUser, ctx: Ctx) -> HTMLResponse:
    """The start page."""
    from peacetable.scenarios import list_builtin

    listing = negotiations.list_for(ctx, user) if user else []
    return render(request, ctx, "home.html", user, negotiations=listing, scenarios=list_builtin())


@router.get("/static/vendor/plotly.min.js")
def plotly_js() -> FileResponse:
    """plotly.js from the installed ``plotly`` package (no CDN; cached by the browser)."""
    path = presenting.plotly_js_path()
    if path is None:
        raise HTTPException(404, "plotly is not installed (pip install plotly)")
    return FileResponse(
        path, media_type="text/javascript", headers={"cache-control": "public, max-age=86400"}
    )


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


def _invitation(
    request: Request, ctx: Ctx, user: MaybeUser, token: str
) -> dict[str, Any] | HTMLResponse:
    """The invitation behind *token* (rate-limited), or the page saying it is not valid."""
    try:
        limit(ctx, "invite", client_address(request))
        return invites.info(ctx, token[:200])
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


@router.get("/invite/{token}", response_class=HTMLResponse)
def invite_page(token: str, request: Request, user: MaybeUser, ctx: Ctx) -> HTMLResponse:
    """An invitation: what it is for, and the form to join."""
    info = _invitation(request, ctx, user, token)
    if isinstance(info, HTMLResponse):
        return info
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
    info = _invitation(request, ctx, user, token)
    if isinstance(info, HTMLResponse):
        return info
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
    response = RedirectResponse(f"/n/{out['negotiation']}", status_code=303)
    if out["session_token"] is not None:
        set_session(response, ctx, out["session_token"])
    return response
