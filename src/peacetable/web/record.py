"""The append-only record of a negotiation: entries, receipts, checkpoints, proofs, commitments.

Each event becomes one entry: the canonical JSON (sorted keys, no spaces,
UTF-8) of ``{negotiation, seq, time, kind, data}``. Its leaf hash is
SHA-256(0x00 || entry) and the record's tree head is the RFC 9162 Merkle
Tree Hash over the leaves (:mod:`peacetable.web.merkle`). On append the
server signs a *receipt* ``(negotiation, seq, leaf hash)`` with its Ed25519
key, like a Certificate Transparency signed entry timestamp; a *checkpoint*
is a signed ``(tree size, root hash, time)``. The key lives outside the
database, so editing the stored entries breaks their receipts.

A private submission never enters the record: only a *commitment*
SHA-256("peacetable-commitment/1\\n" || salt || canonical content) with a
fresh 256-bit salt. The party can later open it by revealing salt and
content; anyone with the record can then check it (Halevi & Micali 1996).

References
----------
.. [1] Laurie, B., Messeri, E. & Stradling, R. (2021). RFC 9162, sections 2.1
   (Merkle trees) and 4.8-4.10 (signed tree heads).
.. [2] Halevi, S. & Micali, S. (1996). Practical and provably-secure
   commitment schemes from collision-free hashing. *CRYPTO '96*, 201-215.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from peacetable.web import merkle
from peacetable.web.keys import SigningKey
from peacetable.web.models import Checkpoint, Negotiation, PublicKey, RecordEntry

RECEIPT_PREFIX = b"peacetable-receipt/1\n"
CHECKPOINT_PREFIX = b"peacetable-checkpoint/1\n"
COMMITMENT_PREFIX = b"peacetable-commitment/1\n"
CHECKPOINT_FORMAT = "peacetable-checkpoint/1"


def canonical_json(obj: Any) -> bytes:
    """Canonical JSON bytes: sorted keys, no spaces, UTF-8, no NaN.

    Examples
    --------
    >>> canonical_json({"b": 1, "a": [1.5, "é"]})
    b'{"a":[1.5,"\\xc3\\xa9"],"b":1}'
    """
    return json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def now_iso() -> str:
    """The current UTC time as ISO 8601 with microseconds."""
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def commitment_of(salt_hex: str, content: Any) -> str:
    """The commitment to *content* under *salt_hex*.

    Examples
    --------
    >>> commitment_of("00" * 32, {"a": 1}) == commitment_of("00" * 32, {"a": 1})
    True
    """
    digest = hashlib.sha256(COMMITMENT_PREFIX + bytes.fromhex(salt_hex) + canonical_json(content))
    return digest.hexdigest()


def commit(content: Any) -> tuple[str, str]:
    """A fresh salt and the commitment to *content* under it."""
    salt = secrets.token_hex(32)
    return salt, commitment_of(salt, content)


def receipt_message(negotiation_id: str, seq: int, leaf_hash_hex: str) -> bytes:
    """The bytes a receipt signs."""
    body = {"negotiation": negotiation_id, "seq": seq, "leaf_hash": leaf_hash_hex}
    return RECEIPT_PREFIX + canonical_json(body)


def checkpoint_message(cp: Mapping[str, Any]) -> bytes:
    """The bytes a checkpoint's signature covers."""
    keys = ("format", "negotiation", "tree_size", "root_hash", "timestamp", "key_id")
    return CHECKPOINT_PREFIX + canonical_json({k: cp[k] for k in keys})


def register_key(session: Session, key: SigningKey) -> None:
    """Record the server's public key (once) so exports carry every key that ever signed."""
    if session.get(PublicKey, key.id) is None:
        session.add(PublicKey(key_id=key.id, public_key=key.public_hex))


#: Built once: the entry's row, and the negotiation's record size and time moved on.
_INSERT_ENTRY = insert(RecordEntry)
_ADVANCE = (
    update(Negotiation)
    .where(Negotiation.id == bindparam("nid"))
    .values(record_size=bindparam("new_size"), record_time=bindparam("new_time"))
)


def append(
    session: Session, negotiation: Negotiation, kind: str, data: dict[str, Any], key: SigningKey
) -> RecordEntry:
    """Append one entry to the record of a (locked) negotiation, in the caller's transaction.

    The entry row and the negotiation's new record size and time are written
    with two statements on the session's connection, not through the ORM's
    unit of work (about 1 ms less per write); *negotiation* is brought up to
    date as if it had been reloaded. Returns the entry (not attached to the
    session).
    """
    session.flush()  # what the caller added first (a new negotiation's row, on its creation)
    seq = negotiation.record_size
    time = max(now_iso(), negotiation.record_time or "")  # never backwards, even if the clock is
    body = {
        "negotiation": negotiation.id,
        "seq": seq,
        "time": time,
        "kind": kind,
        "data": data,
    }
    entry = canonical_json(body).decode("utf-8")
    leaf = merkle.leaf_hash(entry.encode("utf-8")).hex()
    row = {
        "negotiation_id": negotiation.id,
        "seq": seq,
        "kind": kind,
        "entry": entry,
        "leaf_hash": leaf,
        "key_id": key.id,
        "receipt": key.sign(receipt_message(negotiation.id, seq, leaf)),
    }
    connection = session.connection()
    connection.execute(_INSERT_ENTRY, row)
    connection.execute(_ADVANCE, {"nid": negotiation.id, "new_size": seq + 1, "new_time": time})
    set_committed_value(negotiation, "record_size", seq + 1)
    set_committed_value(negotiation, "record_time", time)
    return RecordEntry(**row)


def receipt(row: RecordEntry) -> dict[str, Any]:
    """What a client keeps as proof that its write was recorded."""
    return {
        "seq": row.seq,
        "leaf_hash": row.leaf_hash,
        "key_id": row.key_id,
        "signature": row.receipt,
    }


def entries(session: Session, negotiation_id: str, size: int | None = None) -> list[RecordEntry]:
    """The first *size* entries (all when ``None``), in order."""
    q = select(RecordEntry).where(RecordEntry.negotiation_id == negotiation_id)
    if size is not None:
        q = q.where(RecordEntry.seq < size)
    return list(session.execute(q.order_by(RecordEntry.seq)).scalars())


def leaves(session: Session, negotiation_id: str, size: int) -> list[bytes]:
    """The stored leaf hashes of the first *size* entries."""
    rows = session.execute(
        select(RecordEntry.leaf_hash)
        .where(RecordEntry.negotiation_id == negotiation_id, RecordEntry.seq < size)
        .order_by(RecordEntry.seq)
    ).scalars()
    return [bytes.fromhex(h) for h in rows]


def checkpoint_dict(cp: Checkpoint, public_key_hex: str) -> dict[str, Any]:
    """A checkpoint as the JSON a party downloads and keeps."""
    return {
        "format": CHECKPOINT_FORMAT,
        "negotiation": cp.negotiation_id,
        "tree_size": cp.tree_size,
        "root_hash": cp.root_hash,
        "timestamp": cp.timestamp,
        "key_id": cp.key_id,
        "public_key": public_key_hex,
        "signature": cp.signature,
    }


def make_checkpoint(session: Session, negotiation: Negotiation, key: SigningKey) -> dict[str, Any]:
    """A signed checkpoint of the record as it is now (reused if the size has not changed)."""
    size = negotiation.record_size
    last = session.execute(
        select(Checkpoint)
        .where(Checkpoint.negotiation_id == negotiation.id, Checkpoint.key_id == key.id)
        .order_by(Checkpoint.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if last is not None and last.tree_size == size:
        return checkpoint_dict(last, key.public_hex)
    root = merkle.tree_root(leaves(session, negotiation.id, size)).hex()
    body = {
        "format": CHECKPOINT_FORMAT,
        "negotiation": negotiation.id,
        "tree_size": size,
        "root_hash": root,
        "timestamp": now_iso(),
        "key_id": key.id,
    }
    cp = Checkpoint(
        negotiation_id=negotiation.id,
        tree_size=size,
        root_hash=root,
        timestamp=body["timestamp"],
        key_id=key.id,
        signature=key.sign(checkpoint_message(body)),
    )
    session.add(cp)
    session.flush()
    return checkpoint_dict(cp, key.public_hex)


def inclusion(session: Session, negotiation_id: str, seq: int, tree_size: int) -> dict[str, Any]:
    """An inclusion proof of entry *seq* in the tree of the first *tree_size* entries."""
    hashes = leaves(session, negotiation_id, tree_size)
    return {
        "seq": seq,
        "tree_size": tree_size,
        "leaf_hash": hashes[seq].hex(),
        "root_hash": merkle.tree_root(hashes).hex(),
        "proof": [h.hex() for h in merkle.inclusion_proof(seq, hashes)],
    }


def consistency(session: Session, negotiation_id: str, first: int, second: int) -> dict[str, Any]:
    """A consistency proof from the tree of size *first* to the tree of size *second*."""
    hashes = leaves(session, negotiation_id, second)
    return {
        "first": first,
        "second": second,
        "first_root": merkle.tree_root(hashes[:first]).hex(),
        "second_root": merkle.tree_root(hashes).hex(),
        "proof": [h.hex() for h in merkle.consistency_proof(first, hashes)],
    }


def export_record(session: Session, negotiation_id: str) -> dict[str, Any]:
    """The whole record: entries with receipts, stored checkpoints, and the public keys."""
    rows = entries(session, negotiation_id)
    cps = session.execute(
        select(Checkpoint)
        .where(Checkpoint.negotiation_id == negotiation_id)
        .order_by(Checkpoint.tree_size, Checkpoint.id)
    ).scalars()
    keys = {k.key_id: k.public_key for k in session.execute(select(PublicKey)).scalars()}
    return {
        "entries": [
            {
                "seq": r.seq,
                "entry": r.entry,
                "leaf_hash": r.leaf_hash,
                "key_id": r.key_id,
                "receipt": r.receipt,
            }
            for r in rows
        ],
        "checkpoints": [checkpoint_dict(c, keys.get(c.key_id, "")) for c in cps],
        "keys": keys,
    }
