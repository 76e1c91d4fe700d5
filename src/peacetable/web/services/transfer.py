"""Export and import of a whole negotiation (backup, and moving between SQLite and PostgreSQL).

The export holds the scenario, the members (user names, no password hashes),
invitations, every submission, draft and response with the salts that open
their commitments, and the record with its receipts, checkpoints and keys.
Import verifies all of it first (:func:`peacetable.web.verify.verify_export`
plus: every stored item matches its commitment in the record) and writes
nothing unless everything verifies; then it appends an ``imported`` entry.
Members whose user names have accounts on this server keep their roles;
for the others, fresh invitation links are returned.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import HTTPException
from sqlalchemy import select

from peacetable.errors import InputError, PeacetableError
from peacetable.io import scenario_from_data
from peacetable.web import record
from peacetable.web.context import ServerContext
from peacetable.web.deps import Access, CurrentUser
from peacetable.web.models import (
    Checkpoint,
    Draft,
    Invite,
    Membership,
    Negotiation,
    PublicKey,
    RecordEntry,
    Response,
    Submission,
    User,
)
from peacetable.web.services.common import get_negotiation, locked, problems_as
from peacetable.web.services.invites import create as create_invite
from peacetable.web.verify import verify_export

EXPORT_FORMAT = "peacetable-export/1"


def _rows(s: Any, model: Any, nid: str) -> list[Any]:
    return list(s.execute(select(model).where(model.negotiation_id == nid)).scalars())


def _when(t: Any) -> str | None:
    return t.isoformat() if t is not None else None


def _invite(i: Invite) -> dict[str, Any]:
    return {
        "id": i.id,
        "role": i.role,
        "party": i.party_id,
        "label": i.label,
        "expires_at": _when(i.expires_at),
        "used_at": _when(i.used_at),
        "revoked_at": _when(i.revoked_at),
    }


def _submission(r: Submission) -> dict[str, Any]:
    return {
        "party": r.party_id,
        "version": r.version,
        "created_at": _when(r.created_at),
        "content": json.loads(r.content_json),
        "contradictions": json.loads(r.contradictions_json),
        "salt": r.salt,
        "commitment": r.commitment,
        "record_seq": r.record_seq,
    }


def _draft(d: Draft) -> dict[str, Any]:
    return {
        "version": d.version,
        "kind": d.kind,
        "based_on": d.based_on,
        "created_at": _when(d.created_at),
        "published_at": _when(d.published_at),
        "content": json.loads(d.content_json),
        "salt": d.salt,
        "commitment": d.commitment,
    }


def _response(r: Response) -> dict[str, Any]:
    return {
        "party": r.party_id,
        "version": r.draft_version,
        "verdict": r.verdict,
        "created_at": _when(r.created_at),
        "content": json.loads(r.content_json),
        "salt": r.salt,
        "commitment": r.commitment,
        "record_seq": r.record_seq,
    }


def export(ctx: ServerContext, access: Access) -> dict[str, Any]:
    """Mediator: the whole negotiation as one JSON document."""
    nid = access.negotiation_id
    with ctx.db.reading() as s:
        neg = get_negotiation(s, nid)
        members = s.execute(
            select(Membership, User.username)
            .join(User, User.id == Membership.user_id)
            .where(Membership.negotiation_id == nid)
        ).all()
        out = {
            "format": EXPORT_FORMAT,
            "negotiation": {
                "id": neg.id,
                "title": neg.title,
                "state": neg.state,
                "agreed_version": neg.agreed_version,
                "settlement_code": neg.settlement_code,
                "created_at": _when(neg.created_at),
                "scenario": json.loads(neg.scenario_json),
                "scenario_salt": neg.scenario_salt,
            },
            "members": [{"username": u, "role": m.role, "party": m.party_id} for m, u in members],
            "invites": [_invite(i) for i in _rows(s, Invite, nid)],
            "submissions": [_submission(r) for r in _rows(s, Submission, nid)],
            "drafts": [_draft(d) for d in _rows(s, Draft, nid)],
            "responses": [_response(r) for r in _rows(s, Response, nid)],
            "record": record.export_record(s, nid),
        }
    return out


def _entry_data(data: dict[str, Any], seq: int) -> dict[str, Any]:
    entries = data["record"]["entries"]
    if not 0 <= seq < len(entries):
        raise InputError(f"record entry {seq} is missing")
    body: dict[str, Any] = json.loads(entries[seq]["entry"])
    return body


def _check_commitments(data: dict[str, Any]) -> list[str]:
    """Every stored item opens the commitment the record holds for it."""
    problems = []
    entries = [json.loads(e["entry"]) for e in data["record"]["entries"]]
    created = next((e for e in entries if e["kind"] == "negotiation_created"), None)
    neg = data["negotiation"]
    if created is None or record.commitment_of(neg["scenario_salt"], neg["scenario"]) != created[
        "data"
    ].get("commitment"):
        problems.append("the scenario does not open the commitment of 'negotiation_created'")
    for kind, items, what in (
        ("preferences_submitted", data["submissions"], "submission"),
        ("response", data["responses"], "response"),
    ):
        for item in items:
            body = _entry_data(data, int(item["record_seq"]))
            if body["kind"] != kind or body["data"].get("commitment") != record.commitment_of(
                item["salt"], item["content"]
            ):
                problems.append(
                    f"{what} of {item['party']} version {item['version']} does not open "
                    f"record entry {item['record_seq']}"
                )
    written = {e["data"]["version"]: e["data"] for e in entries if e["kind"] == "draft_written"}
    for d in data["drafts"]:
        w = written.get(d["version"])
        if w is None or w["commitment"] != record.commitment_of(d["salt"], d["content"]):
            problems.append(f"draft version {d['version']} does not open its record entry")
    return problems


def verify_document(data: dict[str, Any]) -> None:
    """Refuse (422) an export that does not verify, with every finding."""
    try:
        if data.get("format") != EXPORT_FORMAT:
            raise InputError(f"not a negotiation export (format {EXPORT_FORMAT!r} expected)")
        report = verify_export(data)
        findings = [f.message for f in report.findings]
        if report.ok:
            findings = _check_commitments(data)
    except PeacetableError as exc:
        raise HTTPException(422, {"message": str(exc)}) from None
    except (KeyError, TypeError, ValueError) as exc:
        raise HTTPException(422, {"message": f"malformed export: {exc!r}"}) from None
    if findings:
        raise HTTPException(
            422,
            {"message": "the export does not verify; nothing was imported", "findings": findings},
        )


def _load(s: Any, data: dict[str, Any], users: dict[str, int]) -> None:
    """Insert the export's rows (verified) into the session."""
    from datetime import datetime

    def t(v: str | None) -> datetime | None:
        return datetime.fromisoformat(v) if v else None

    n = data["negotiation"]
    nid = n["id"]
    for key_id, public in data["record"]["keys"].items():
        if s.get(PublicKey, key_id) is None:
            s.add(PublicKey(key_id=key_id, public_key=public))
    for sub in data["submissions"]:
        s.add(
            Submission(
                negotiation_id=nid,
                party_id=sub["party"],
                version=sub["version"],
                user_id=users[sub["party"]],
                created_at=t(sub["created_at"]),
                content_json=json.dumps(sub["content"]),
                contradictions_json=json.dumps(sub["contradictions"]),
                salt=sub["salt"],
                commitment=sub["commitment"],
                record_seq=sub["record_seq"],
            )
        )
    for d in data["drafts"]:
        s.add(
            Draft(
                negotiation_id=nid,
                version=d["version"],
                kind=d["kind"],
                based_on=d["based_on"],
                content_json=json.dumps(d["content"]),
                salt=d["salt"],
                commitment=d["commitment"],
                created_at=t(d["created_at"]),
                published_at=t(d["published_at"]),
            )
        )
    for r in data["responses"]:
        s.add(
            Response(
                negotiation_id=nid,
                draft_version=r["version"],
                party_id=r["party"],
                user_id=users[r["party"]],
                content_json=json.dumps(r["content"]),
                verdict=r["verdict"],
                salt=r["salt"],
                commitment=r["commitment"],
                created_at=t(r["created_at"]),
                record_seq=r["record_seq"],
            )
        )
    for e in data["record"]["entries"]:
        s.add(
            RecordEntry(
                negotiation_id=nid,
                seq=e["seq"],
                kind=json.loads(e["entry"])["kind"],
                entry=e["entry"],
                leaf_hash=e["leaf_hash"],
                key_id=e["key_id"],
                receipt=e["receipt"],
            )
        )
    for cp in data["record"]["checkpoints"]:
        s.add(
            Checkpoint(
                negotiation_id=nid,
                tree_size=cp["tree_size"],
                root_hash=cp["root_hash"],
                timestamp=cp["timestamp"],
                key_id=cp["key_id"],
                signature=cp["signature"],
            )
        )


def import_(ctx: ServerContext, user: CurrentUser, data: dict[str, Any]) -> dict[str, Any]:
    """Organiser: import a verified export; the importer becomes a mediator of it."""
    verify_document(data)
    n = data["negotiation"]
    with problems_as(422, "bad scenario"):
        scenario_from_data(n["scenario"], file="<import>")
    with ctx.db.writing(n["id"]) as s:
        if s.get(Negotiation, n["id"]) is not None:
            raise HTTPException(409, "this negotiation is already on this server")
        s.add(
            Negotiation(
                id=n["id"],
                title=n["title"],
                scenario_json=record.canonical_json(n["scenario"]).decode(),
                scenario_salt=n["scenario_salt"],
                state=n["state"],
                agreed_version=n["agreed_version"],
                settlement_code=n["settlement_code"],
                record_size=len(data["record"]["entries"]),
                record_time=_last_time(data),
            )
        )
        s.flush()
        known = {name: uid for name, uid in s.execute(select(User.username, User.id))}
        unclaimed = []
        members = {(m["role"], m["party"], m["username"]) for m in data["members"]}
        s.add(Membership(negotiation_id=n["id"], user_id=user.id, role="mediator"))
        for role, party, name in sorted(members, key=str):
            if name in known and known[name] != user.id:
                s.add(
                    Membership(
                        negotiation_id=n["id"], user_id=known[name], role=role, party_id=party
                    )
                )
            elif name != user.username:
                unclaimed.append((role, party, name))
        s.flush()
        by_party: dict[str, int] = {}
        for m in s.execute(
            select(Membership).where(Membership.negotiation_id == n["id"])
        ).scalars():
            if m.party_id is not None:
                by_party.setdefault(m.party_id, m.user_id)
        _load(s, data, {p: by_party.get(p, user.id) for p in _parties(data)})
        neg = locked(s, n["id"])
        record.append(s, neg, "imported", {"size": neg.record_size, "by": user.username}, ctx.key)
    access = Access(user, n["id"], "mediator", None, 0)
    links = [
        {"username": name, **create_invite(ctx, access, role, party, f"for {name}", None)}
        for role, party, name in unclaimed
    ]
    return {"id": n["id"], "title": n["title"], "invites": links}


def _last_time(data: dict[str, Any]) -> str:
    entries = data["record"]["entries"]
    return str(json.loads(entries[-1]["entry"])["time"]) if entries else ""


def _parties(data: dict[str, Any]) -> set[str]:
    return {x["party"] for x in [*data["submissions"], *data["responses"]]}
