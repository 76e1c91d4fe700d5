"""The record: RFC 9162 proofs, and tampering with the stored log caught by ``record verify``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from typer.testing import CliRunner
from webtest_support import World

from peacetable.cli import app as cli
from peacetable.web import merkle
from peacetable.web.record import commitment_of


def _leaves(n: int) -> list[bytes]:
    return [merkle.leaf_hash(f"entry {i}".encode()) for i in range(n)]


def _reference_root(leaves: list[bytes]) -> bytes:
    """MTH straight from RFC 9162 section 2.1.1 (recursive definition)."""
    if not leaves:
        return merkle.EMPTY_ROOT
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return merkle.node_hash(_reference_root(leaves[:k]), _reference_root(leaves[k:]))


def test_rfc_6962_hashes_of_a_known_entry() -> None:
    # leaf and empty-tree hashes as given in RFC 6962's reference test vectors
    assert merkle.EMPTY_ROOT.hex() == (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )
    assert merkle.leaf_hash(b"").hex() == (
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    )


# the reference test vectors of Certificate Transparency (RFC 6962): eight inputs, the tree
# head of the first n of them
CT_INPUTS = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    bytes(range(0x50, 0x58)),
    bytes(range(0x60, 0x70)),
]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def test_certificate_transparency_reference_roots() -> None:
    leaves = [merkle.leaf_hash(d) for d in CT_INPUTS]
    assert [merkle.tree_root(leaves[:n]).hex() for n in range(1, 9)] == CT_ROOTS


def test_roots_and_proofs_for_every_size_up_to_40() -> None:
    for n in range(0, 41):
        leaves = _leaves(n)
        root = merkle.tree_root(leaves)
        assert root == _reference_root(leaves) == merkle.MerkleTree(leaves).root
        tree = merkle.MerkleTree(leaves)
        for i in range(n):
            proof = merkle.inclusion_proof(i, leaves)
            assert proof == tree.path(i)
            assert merkle.verify_inclusion(leaves[i], i, n, proof, root)
            assert not merkle.verify_inclusion(leaves[i], (i + 1) % n, n, proof, root) or n == 1
            assert not merkle.verify_inclusion(merkle.leaf_hash(b"x"), i, n, proof, root)
        for m in range(0, n + 1):
            proof = merkle.consistency_proof(m, leaves)
            first = merkle.tree_root(leaves[:m])
            assert merkle.verify_consistency(m, n, first, root, proof)
            if 0 < m < n:
                other = merkle.tree_root([*leaves[: m - 1], merkle.leaf_hash(b"changed")])
                assert not merkle.verify_consistency(m, n, other, root, proof)
                if proof:
                    bad = [*proof[:-1], merkle.leaf_hash(b"forged")]
                    assert not merkle.verify_consistency(m, n, first, root, bad)


def test_commitments_bind_and_hide() -> None:
    salt = "ab" * 32
    c = commitment_of(salt, {"no_deal": 40})
    assert c == commitment_of(salt, {"no_deal": 40})
    assert c != commitment_of(salt, {"no_deal": 41})
    assert c != commitment_of("cd" * 32, {"no_deal": 40})


# ---------------------------------------------------------------- tampering


def _save(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _verify(*args: str) -> Any:
    return CliRunner().invoke(cli, ["record", "verify", *args])


@pytest.fixture
def kept(world: World, tmp_path: Path) -> tuple[World, Path, int]:
    """Party A keeps a checkpoint; then the negotiation goes on."""
    a, m = world.clients["party_a"], world.clients["mediator"]
    assert a is not None and m is not None
    cp = a.get(f"/api/negotiations/{world.nid}/record/checkpoint").json()
    for k in range(3):
        m.post(f"/api/negotiations/{world.nid}/invites", json={"role": "observer", "label": str(k)})
    return world, _save(tmp_path / "checkpoint.json", cp), int(cp["tree_size"])


def _download(world: World, tmp_path: Path) -> Path:
    a = world.clients["party_a"]
    assert a is not None
    return _save(
        tmp_path / "record.json", a.get(f"/api/negotiations/{world.nid}/record/download").json()
    )


def _sql(world: World, statement: str, **params: Any) -> None:
    with world.app.state.ctx.db.write_engine.begin() as conn:
        conn.execute(text(statement), {"nid": world.nid, **params})


def test_an_untouched_record_verifies_against_the_checkpoint(
    kept: tuple[World, Path, int], tmp_path: Path
) -> None:
    world, cp, _ = kept
    result = _verify(str(_download(world, tmp_path)), "--checkpoint", str(cp))
    assert result.exit_code == 0, result.output
    assert "the record verifies" in result.output
    data = json.loads(_verify(str(_download(world, tmp_path)), "--json").output)
    assert data["ok"] and data["checked"]["openings"] >= 1


TAMPERING = {
    "edit the content": (
        'UPDATE record_entries SET entry = replace(entry, \'"role":"party"\', '
        '\'"role":"observer"\') WHERE negotiation_id = :nid AND seq = :k',
        2,
    ),
    "edit and rehash": ("REHASH", 2),
    "delete an entry": ("DELETE FROM record_entries WHERE negotiation_id = :nid AND seq = :k", 3),
    "reorder two entries": ("SWAP", 4),
    "truncate the log": ("DELETE FROM record_entries WHERE negotiation_id = :nid AND seq >= :k", 5),
}


@pytest.mark.parametrize("how", sorted(TAMPERING))
def test_tampering_is_caught_and_the_first_bad_entry_named(
    kept: tuple[World, Path, int], tmp_path: Path, how: str
) -> None:
    world, cp, size = kept
    statement, k = TAMPERING[how]
    assert k < size
    if statement == "REHASH":
        with world.app.state.ctx.db.write_engine.begin() as conn:
            row = conn.execute(
                text("SELECT entry FROM record_entries WHERE negotiation_id = :nid AND seq = :k"),
                {"nid": world.nid, "k": k},
            ).one()
            forged = row[0].replace('"role":"party"', '"role":"observer"')
            conn.execute(
                text(
                    "UPDATE record_entries SET entry = :e, leaf_hash = :h "
                    "WHERE negotiation_id = :nid AND seq = :k"
                ),
                {
                    "e": forged,
                    "h": merkle.leaf_hash(forged.encode()).hex(),
                    "nid": world.nid,
                    "k": k,
                },
            )
    elif statement == "SWAP":
        for a, b in ((k, -1), (k + 1, k), (-1, k + 1)):
            _sql(
                world,
                "UPDATE record_entries SET seq = :b WHERE negotiation_id = :nid AND seq = :a",
                a=a,
                b=b,
            )
    else:
        _sql(world, statement, k=k)
    result = _verify(str(_download(world, tmp_path)), "--checkpoint", str(cp))
    assert result.exit_code == 1, result.output
    assert f"first entry that does not verify: {k}" in result.output


def test_a_rewritten_and_resigned_log_fails_against_the_kept_checkpoint(
    kept: tuple[World, Path, int], tmp_path: Path
) -> None:
    """Someone with the database AND a key of their own re-signs everything: the checkpoint catches it."""
    from peacetable.web.keys import SigningKey
    from peacetable.web.record import receipt_message

    world, cp, _ = kept
    record = json.loads(_download(world, tmp_path).read_text())
    forger = SigningKey.generate()
    entries = record["record"]["entries"]
    entries[1]["entry"] = entries[1]["entry"].replace('"role":"party"', '"role":"observer"')
    for i, e in enumerate(entries):
        leaf = merkle.leaf_hash(e["entry"].encode()).hex()
        e.update(
            leaf_hash=leaf,
            key_id=forger.id,
            receipt=forger.sign(receipt_message(world.nid, i, leaf)),
        )
    record["record"]["keys"] = {forger.id: forger.public_hex}
    record["record"]["checkpoints"] = []
    record["openings"] = []
    forged = _save(tmp_path / "forged.json", record)
    assert _verify(str(forged)).exit_code == 0  # self-consistent on its own...
    result = _verify(str(forged), "--checkpoint", str(cp))
    assert result.exit_code == 1  # ...but not an extension of what party A saw
    assert "does not extend it" in result.output


def test_bad_input_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert _verify(str(bad)).exit_code == 2
    assert _verify(str(_save(tmp_path / "x.json", {"a": 1}))).exit_code == 2
    assert _verify(str(tmp_path / "missing.json")).exit_code == 2


def test_append_writes_the_entry_and_the_size_together_or_not_at_all(tmp_path: Path) -> None:
    """``record.append`` writes with statements, not the ORM: the negotiation object, the
    database and the receipt must still agree, and a write that fails leaves neither."""
    from webtest_support import organiser, settings_for

    from peacetable.web.app import create_app
    from peacetable.web.db import lock_negotiation
    from peacetable.web.keys import verify_signature
    from peacetable.web.models import Negotiation, RecordEntry
    from peacetable.web.record import append, receipt_message

    app = create_app(settings_for(tmp_path))
    ctx = app.state.ctx
    m = organiser(app, "mediator")
    nid = m.post("/api/negotiations", json={"scenario_id": "ukraine-2022"}).json()["id"]
    with ctx.db.writing(nid) as s:
        neg = lock_negotiation(s, nid)
        assert neg is not None
        first = append(s, neg, "test", {"n": 1}, ctx.key)
        second = append(s, neg, "test", {"n": 2}, ctx.key)
        assert (first.seq, second.seq, neg.record_size) == (1, 2, 3)
        assert neg not in s.dirty  # nothing left for the unit of work to write over
    assert verify_signature(
        ctx.key.public_hex, receipt_message(nid, 2, second.leaf_hash), second.receipt
    )
    with pytest.raises(RuntimeError, match="refused"), ctx.db.writing(nid) as s:
        neg = lock_negotiation(s, nid)
        assert neg is not None
        append(s, neg, "test", {"n": 3}, ctx.key)
        raise RuntimeError("refused")
    with ctx.db.reading() as s:
        stored = s.get(Negotiation, nid)
        assert stored is not None and stored.record_size == 3
        assert stored.record_time == json.loads(second.entry)["time"]
        rows = s.execute(text("SELECT seq FROM record_entries ORDER BY seq")).scalars().all()
        assert rows == [0, 1, 2]
        assert s.get(RecordEntry, (nid, 2)).entry == second.entry  # type: ignore[union-attr]
