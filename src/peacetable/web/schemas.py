"""Request bodies of the JSON API (pydantic): what the server accepts, checked at the edge."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from peacetable.web.elicitation import PreferenceInput

MAX_INT = 2**31 - 1
"""Largest integer accepted in an address or body (every database stores it)."""

Username = Annotated[str, Field(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9._@+-]+$")]
Password = Annotated[str, Field(min_length=1, max_length=1024)]
Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z][A-Za-z0-9_\-]*$")]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LoginIn(_In):
    """Sign in."""

    username: Annotated[str, Field(min_length=1, max_length=64)]
    password: Password


class AccountIn(_In):
    """A new account (set-up link) or joining with an invitation."""

    username: Username | None = None
    password: Password | None = None


class PasswordChangeIn(_In):
    """Change one's password (every session ends; this client gets a new one)."""

    current_password: Password
    new_password: Password


class NegotiationIn(_In):
    """Create a negotiation from an embedded scenario, a scenario object, or scenario text."""

    scenario_id: Id | None = Field(None, description="an embedded scenario, e.g. ukraine-2022")
    scenario: dict[str, Any] | None = Field(None, description="a scenario as JSON")
    scenario_text: Annotated[str, Field(max_length=2_000_000)] | None = Field(
        None, description="a scenario file's text"
    )
    format: Literal["yaml", "json"] = "yaml"
    title: Annotated[str, Field(min_length=1, max_length=300)] | None = None


class InviteIn(_In):
    """Invite someone as a party (bound to a scenario party id), an observer or a co-mediator."""

    role: Literal["party", "observer", "mediator"]
    party: Id | None = None
    label: Annotated[str, Field(max_length=200)] = ""
    days: Annotated[float, Field(gt=0, le=90)] | None = None


class SubmissionIn(_In):
    """A party's preferences, and whether it saves despite rank–rating contradictions."""

    preferences: PreferenceInput
    acknowledge_contradictions: bool = False


class DraftIn(_In):
    """A draft version: a package (issues left out at status quo) and the wording per provision."""

    title: Annotated[str, Field(min_length=1, max_length=300)]
    package: dict[Id, Id]
    wording: dict[Id, Annotated[str, Field(max_length=20_000)]] = Field(default_factory=dict)
    note: Annotated[str, Field(max_length=4000)] = ""
    based_on: Annotated[int, Field(ge=1, le=MAX_INT)] | None = None


class ResponseIn(_In):
    """A party's answer to a published version."""

    verdict: Literal["accept", "reject", "comment"]
    comment: Annotated[str, Field(max_length=4000)] = ""
    cannot_live_with: list[Id] = Field(
        default_factory=list, max_length=200, description="provisions it cannot live with"
    )
