"""Verify a negotiation's exported record, offline, as a party would.

:func:`verify_export` checks, entry by entry, that each entry is canonical
JSON, sits at the position its sequence number says, belongs to the
negotiation, matches its leaf hash, and carries a valid receipt signed by
one of the server keys in the export; that times never go backwards; that
every entry's inclusion proof verifies against the tree head; that every
stored checkpoint is validly signed and that the record extends it
(consistency proof); that the party's own earlier checkpoint, if given, is
validly signed and extended by the record; and that each opening reveals
what its commitment in the record committed to. It names the first entry
that does not verify.

References
----------
.. [1] Laurie, B., Messeri, E. & Stradling, R. (2021). RFC 9162, sections
   2.1.3.2 and 2.1.4.2 (verifying inclusion and consistency proofs), 8.3
   (clients checking consistency with tree heads they saw before).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from peacetable.errors import InputError
from peacetable.web import merkle
from peacetable.web.keys import key_id, verify_signature
from peacetable.web.record import (
    CHECKPOINT_FORMAT,
    canonical_json,
    checkpoint_message,
    commitment_of,
    receipt_message,
)


@dataclass(frozen=True)
class Finding:
    """One thing that does not verify (``entry`` is its position, if it is about one entry)."""

    entry: int | None
    message: str


@dataclass
class Verification:
    """The outcome of verifying a record."""

    negotiation: str
    size: int
    root_hash: str
    findings: list[Finding] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether everything verified."""
        return not self.findings

    @property
    def first_bad_entry(self) -> int | None:
        """The position of the first entry that does not verify, if any is named."""
        named = [f.entry for f in self.findings if f.entry is not None]
        return min(named) if named else None

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {
            "ok": self.ok,
            "negotiation": self.negotiation,
            "size": self.size,
            "root_hash": self.root_hash,
            "first_bad_entry": self.first_bad_entry,
            "findings": [{"entry": f.entry, "message": f.message} for f in self.findings],
            "checked": dict(self.checked),
        }


def _record_of(data: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    try:
        nid = str(data["negotiation"]["id"])
        record = dict(data["record"])
        record["entries"] = list(record["entries"])
        record["checkpoints"] = list(record.get("checkpoints", []))
        record["keys"] = dict(record.get("keys", {}))
    except (KeyError, TypeError) as exc:
        raise InputError(
            f"not a peacetable export or record: missing {exc} "
            "(expected 'negotiation.id' and 'record.entries')"
        ) from None
    return nid, record


def _check_entry(
    i: int, e: Mapping[str, Any], nid: str, keys: Mapping[str, str], out: Verification
) -> tuple[bytes, dict[str, Any] | None]:
    text = e.get("entry")
    raw = text.encode("utf-8") if isinstance(text, str) else b""
    leaf = merkle.leaf_hash(raw)
    name = f"entry {i}"
    try:
        body = json.loads(raw)
    except ValueError:
        out.findings.append(Finding(i, f"{name} is not valid JSON"))
        return leaf, None
    if not isinstance(body, dict) or canonical_json(body) != raw:
        out.findings.append(Finding(i, f"{name} is not in canonical form"))
        return leaf, None
    name = f"entry {i} ({body.get('kind')}, {body.get('time')})"
    if body.get("seq") != i:
        out.findings.append(
            Finding(i, f"{name} says it is entry {body.get('seq')}: entries were deleted or moved")
        )
    if body.get("negotiation") != nid:
        out.findings.append(Finding(i, f"{name} belongs to another negotiation"))
    if e.get("leaf_hash") != leaf.hex():
        out.findings.append(Finding(i, f"{name} does not match its leaf hash: it was edited"))
    public = keys.get(str(e.get("key_id")))
    if public is None:
        out.findings.append(Finding(i, f"{name} is signed by a key the export does not list"))
    elif not verify_signature(public, receipt_message(nid, i, leaf.hex()), str(e.get("receipt"))):
        out.findings.append(
            Finding(i, f"{name}: the server's receipt does not verify: it was edited or forged")
        )
    return leaf, body


def _check_checkpoint(
    cp: Mapping[str, Any],
    label: str,
    nid: str,
    tree: merkle.MerkleTree,
    keys: Mapping[str, str],
    out: Verification,
) -> None:
    try:
        size = int(cp["tree_size"])
        root = bytes.fromhex(str(cp["root_hash"]))
        public = str(cp["public_key"])
        signed = cp.get("format") == CHECKPOINT_FORMAT and verify_signature(
            public, checkpoint_message(cp), str(cp["signature"])
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"{label} is not a peacetable checkpoint ({exc})") from None
    if not signed or key_id(bytes.fromhex(public)) != cp.get("key_id"):
        out.findings.append(Finding(None, f"{label}: its signature does not verify"))
        return
    if cp.get("negotiation") != nid:
        out.findings.append(Finding(None, f"{label} is about another negotiation"))
        return
    if cp["key_id"] in keys and keys[cp["key_id"]] != public:
        out.findings.append(Finding(None, f"{label} names key {cp['key_id']} with another value"))
    if size > tree.size:
        out.findings.append(
            Finding(
                tree.size,
                f"{label} covers {size} entries but the record has {tree.size}: "
                f"entries {tree.size} to {size - 1} are missing (the record was truncated)",
            )
        )
        return
    proof = merkle.consistency_proof(size, tree.levels[0])
    if not merkle.verify_consistency(size, tree.size, root, tree.root, proof):
        out.findings.append(
            Finding(
                None,
                f"{label} (size {size}, {cp.get('timestamp')}): the record does not extend it; "
                f"its first {size} entries were changed",
            )
        )
    out.checked["consistency proofs"] = out.checked.get("consistency proofs", 0) + 1


def _check_openings(
    openings: list[Any], bodies: list[dict[str, Any] | None], out: Verification
) -> None:
    for opening in openings:
        try:
            seq = int(opening["seq"])
            salt, content = str(opening["salt"]), opening["content"]
        except (KeyError, TypeError, ValueError):
            raise InputError("an opening needs 'seq', 'salt' and 'content'") from None
        body = bodies[seq] if 0 <= seq < len(bodies) else None
        committed = (body or {}).get("data", {}).get("commitment")
        if committed is None:
            out.findings.append(Finding(seq, f"entry {seq} holds no commitment to open"))
        elif commitment_of(salt, content) != committed:
            out.findings.append(Finding(seq, f"entry {seq}: the opening does not match"))
        out.checked["openings"] = out.checked.get("openings", 0) + 1


def verify_export(
    data: Mapping[str, Any], checkpoint: Mapping[str, Any] | None = None
) -> Verification:
    """Verify an export (``peacetable-export/1``) or a record download (``peacetable-record/1``).

    Parameters
    ----------
    data:
        The parsed export.
    checkpoint:
        A checkpoint the verifier kept from earlier; the record must extend it.

    Returns
    -------
    Verification
        ``ok``, the findings (``first_bad_entry`` names the first entry that
        does not verify) and how many of each check ran.

    Raises
    ------
    InputError
        *data* or *checkpoint* is not what it should be.
    """
    nid, record = _record_of(data)
    keys: dict[str, str] = {}
    probe = Verification(nid, 0, "")
    for kid, public in record["keys"].items():
        try:
            good = key_id(bytes.fromhex(str(public))) == kid
        except ValueError:
            good = False
        if good:
            keys[kid] = str(public)
        else:
            probe.findings.append(Finding(None, f"key {kid} does not match its fingerprint"))
    hashes, bodies = [], []
    last_time = ""
    for i, e in enumerate(record["entries"]):
        leaf, body = _check_entry(i, e if isinstance(e, Mapping) else {}, nid, keys, probe)
        hashes.append(leaf)
        bodies.append(body)
        time = str((body or {}).get("time", ""))
        if body is not None and time < last_time:
            probe.findings.append(Finding(i, f"entry {i} is dated before the entry above it"))
        last_time = max(last_time, time)
    tree = merkle.MerkleTree(hashes)
    out = Verification(nid, tree.size, tree.root.hex(), probe.findings)
    out.checked["entries"] = tree.size
    for i, h in enumerate(hashes):
        if not merkle.verify_inclusion(h, i, tree.size, tree.path(i), tree.root):
            out.findings.append(Finding(i, f"entry {i}: its inclusion proof does not verify"))
    out.checked["inclusion proofs"] = tree.size
    for k, cp in enumerate(record["checkpoints"]):
        _check_checkpoint(cp, f"stored checkpoint {k}", nid, tree, keys, out)
    if checkpoint is not None:
        _check_checkpoint(checkpoint, "the given checkpoint", nid, tree, keys, out)
    _check_openings(list(data.get("openings", [])), bodies, out)
    out.findings.sort(key=lambda f: (f.entry is None, f.entry or 0))
    return out
