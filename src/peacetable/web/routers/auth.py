"""Sign-in, sign-out, password change, CSRF tokens and organiser set-up links."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response

from peacetable.web.context import ServerContext
from peacetable.web.deps import PRESESSION_COOKIE, SESSION_COOKIE, Ctx, Organiser, User_
from peacetable.web.schemas import AccountIn, LoginIn, PasswordChangeIn
from peacetable.web.security import csrf_token, new_token
from peacetable.web.services import accounts

router = APIRouter(prefix="/api", tags=["accounts"])


def set_session(response: Response, ctx: ServerContext, token: str) -> str:
    """Put the session token in a Secure, HttpOnly, SameSite=Strict cookie; its CSRF token."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(ctx.settings.session_hours * 3600),
        path="/",
        secure=True,
        httponly=True,
        samesite="strict",
    )
    return csrf_token(ctx.secret, token)


def clear_session(response: Response) -> None:
    """Remove the session cookie."""
    response.delete_cookie(SESSION_COOKIE, path="/", secure=True, httponly=True, samesite="strict")


def csrf_for(request: Request, response: Response, ctx: ServerContext) -> str:
    """The CSRF token for this client: bound to its session, or to a new pre-session cookie."""
    bound = request.cookies.get(SESSION_COOKIE) or request.cookies.get(PRESESSION_COOKIE)
    if not bound:
        bound = new_token()
        response.set_cookie(
            PRESESSION_COOKIE, bound, path="/", secure=True, httponly=True, samesite="strict"
        )
    return csrf_token(ctx.secret, bound)


def client_address(request: Request) -> str:
    """The client's address (behind a proxy: as forwarded, if uvicorn trusts the proxy)."""
    return request.client.host if request.client else "unknown"


def limit(ctx: ServerContext, kind: str, key: str) -> None:
    """Count an attempt; 429 with Retry-After when over the limit."""
    if not ctx.limiter.hit(kind, key):
        wait = ctx.limiter.retry_after(kind, key)
        raise HTTPException(
            429, f"too many attempts; try again in {wait} s", headers={"Retry-After": str(wait)}
        )


@router.get("/auth/csrf")
def get_csrf(request: Request, response: Response, ctx: Ctx) -> dict[str, str]:
    """The CSRF token to send as ``X-CSRF-Token`` with every POST, PUT, PATCH and DELETE."""
    return {"csrf_token": csrf_for(request, response, ctx)}


@router.post("/auth/login")
def login(body: LoginIn, request: Request, response: Response, ctx: Ctx) -> dict[str, str]:
    """Sign in; rate-limited per address and per account."""
    limit(ctx, "login", client_address(request))
    limit(ctx, "login_account", body.username.lower())
    token = accounts.login(ctx, body.username, body.password)
    return {"username": body.username, "csrf_token": set_session(response, ctx, token)}


@router.post("/auth/logout")
def logout(user: User_, response: Response, ctx: Ctx) -> dict[str, bool]:
    """Sign out: the session ends on the server."""
    accounts.logout(ctx, user.session_id)
    clear_session(response)
    return {"signed_out": True}


@router.post("/auth/password")
def change_password(
    body: PasswordChangeIn, user: User_, response: Response, ctx: Ctx
) -> dict[str, str]:
    """Change the password; every other session of the account ends."""
    token = accounts.change_password(ctx, user.id, body.current_password, body.new_password)
    return {"csrf_token": set_session(response, ctx, token)}


@router.get("/auth/me")
def me(user: User_) -> dict[str, Any]:
    """Who is signed in."""
    return {"username": user.username, "is_organiser": user.is_organiser}


@router.post("/setup/{token}")
def use_setup_link(
    token: str, body: AccountIn, request: Request, response: Response, ctx: Ctx
) -> dict[str, str]:
    """Create an organiser account with a one-time set-up link."""
    limit(ctx, "invite", client_address(request))
    if not body.username or body.password is None:
        raise HTTPException(422, "choose a user name and a password")
    session = accounts.use_setup_link(ctx, token, body.username, body.password)
    return {"username": body.username, "csrf_token": set_session(response, ctx, session)}


@router.post("/setup-links")
def new_setup_link(user: Organiser, ctx: Ctx) -> dict[str, str]:
    """Organiser: a one-time link that creates another organiser account."""
    return {"link": accounts.create_setup_link(ctx)}
