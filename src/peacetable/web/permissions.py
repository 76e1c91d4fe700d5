"""Who may do what: the one table of permissions, checked by one dependency.

Every endpoint that touches a negotiation declares the :class:`Action` it
performs; :func:`peacetable.web.deps.allowed` looks up the caller's role in
that negotiation and consults :data:`POLICY`. Nothing else decides. A
party's own data is reached only through ``/my/`` endpoints whose party id
comes from its membership, never from the address, so guessing ids of
another party's submission leads nowhere.

Answers: not signed in, 401; not a member of the negotiation (or no such
negotiation), 404, so that outsiders cannot even learn that it exists; a
member whose role lacks the permission, 403.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """A member's role in one negotiation."""

    MEDIATOR = "mediator"
    PARTY = "party"
    OBSERVER = "observer"


class Action(StrEnum):
    """Everything a member can do in a negotiation."""

    VIEW_NEGOTIATION = "see the negotiation"
    VIEW_ISSUES = "see the issues and options"
    VIEW_SCENARIO = "see the mediator's scenario and estimates"
    VIEW_MEMBERS = "see who is invited, joined and has submitted"
    MANAGE_INVITES = "invite and revoke invitations"
    SUBMIT_PREFERENCES = "submit preferences"
    VIEW_OWN_SUBMISSIONS = "see its own submissions"
    VIEW_ALL_SUBMISSIONS = "see every party's submissions"
    WRITE_DRAFTS = "write, compare and publish drafts"
    ANALYSE = "analyse drafts"
    VIEW_PUBLISHED = "see published drafts"
    VIEW_OWN_SCORES = "see its own score of each draft"
    RESPOND = "respond to a published draft"
    VIEW_OWN_RESPONSES = "see its own responses"
    VIEW_ALL_RESPONSES = "see every party's responses"
    VIEW_AGREEMENT = "see the agreement and settlement code"
    VIEW_RECORD = "see and download the record"
    EXPORT = "export the whole negotiation"


_ALL = frozenset(Role)
_MEDIATOR = frozenset({Role.MEDIATOR})
_PARTY = frozenset({Role.PARTY})

POLICY: dict[Action, frozenset[Role]] = {
    Action.VIEW_NEGOTIATION: _ALL,
    Action.VIEW_ISSUES: _ALL,
    Action.VIEW_SCENARIO: _MEDIATOR,
    Action.VIEW_MEMBERS: _MEDIATOR,
    Action.MANAGE_INVITES: _MEDIATOR,
    Action.SUBMIT_PREFERENCES: _PARTY,
    Action.VIEW_OWN_SUBMISSIONS: _PARTY,
    Action.VIEW_ALL_SUBMISSIONS: _MEDIATOR,
    Action.WRITE_DRAFTS: _MEDIATOR,
    Action.ANALYSE: _MEDIATOR,
    Action.VIEW_PUBLISHED: _ALL,
    Action.VIEW_OWN_SCORES: _PARTY,
    Action.RESPOND: _PARTY,
    Action.VIEW_OWN_RESPONSES: _PARTY,
    Action.VIEW_ALL_RESPONSES: _MEDIATOR,
    Action.VIEW_AGREEMENT: _ALL,
    Action.VIEW_RECORD: _ALL,
    Action.EXPORT: _MEDIATOR,
}


def permits(role: str, action: Action) -> bool:
    """Whether *role* may perform *action*.

    Examples
    --------
    >>> permits("party", Action.SUBMIT_PREFERENCES), permits("observer", Action.VIEW_ALL_SUBMISSIONS)
    (True, False)
    """
    return role in POLICY[action]
