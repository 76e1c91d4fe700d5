"""Merkle tree hashing with inclusion and consistency proofs (RFC 6962 / RFC 9162, section 2.1).

The record of a negotiation is an append-only list of entries ``D[0:n]``.
Its tree head is the Merkle Tree Hash::

    MTH({})      = SHA-256()
    MTH({d0})    = SHA-256(0x00 || d0)                       (leaf hash)
    MTH(D[0:n])  = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n]))  (node hash)

with ``k`` the largest power of two smaller than ``n``. An *inclusion proof*
shows that an entry is the ``m``-th leaf of a tree with a given head; a
*consistency proof* shows that a tree of size ``m`` is a prefix of a tree of
size ``n``, so that nothing recorded before was changed, removed or reordered.

Functions take the list of *leaf hashes* (32 bytes each). Verification
follows the algorithms of RFC 9162, sections 2.1.3.2 and 2.1.4.2, word for
word, so that proofs interoperate with other Certificate-Transparency-style
logs.

Notes
-----
``tree_root`` is ``O(n)`` hashes; ``inclusion_proof`` and
``consistency_proof`` are ``O(n)`` hashes and return ``O(log n)`` hashes;
verification is ``O(log n)``.

References
----------
.. [1] Laurie, B., Langley, A. & Kasper, E. (2013). Certificate Transparency.
   RFC 6962, section 2.1.
.. [2] Laurie, B., Messeri, E. & Stradling, R. (2021). Certificate
   Transparency Version 2.0. RFC 9162, sections 2.1.1-2.1.4.
.. [3] Crosby, S. A. & Wallach, D. S. (2009). Efficient data structures for
   tamper-evident logging. *USENIX Security Symposium*, 317-334.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(entry: bytes) -> bytes:
    """SHA-256(0x00 || entry).

    Examples
    --------
    >>> leaf_hash(b"").hex()[:16]
    '6e340b9cffb37a98'
    """
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (``n >= 2``)."""
    return 1 << ((n - 1).bit_length() - 1)


def tree_root(leaves: Sequence[bytes]) -> bytes:
    """The Merkle Tree Hash of the leaf hashes *leaves*.

    Examples
    --------
    >>> leaves = [leaf_hash(bytes([i])) for i in range(3)]
    >>> tree_root(leaves) == node_hash(node_hash(leaves[0], leaves[1]), leaves[2])
    True
    """
    if not leaves:
        return EMPTY_ROOT
    # a stack of perfect subtrees (hash, size); the sizes strictly decrease
    stack: list[tuple[bytes, int]] = []
    for h in leaves:
        node, size = h, 1
        while stack and stack[-1][1] == size:
            left, _ = stack.pop()
            node, size = node_hash(left, node), size * 2
        stack.append((node, size))
    root = stack[-1][0]
    for left, _ in reversed(stack[:-1]):
        root = node_hash(left, root)
    return root


def inclusion_proof(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """The audit path of leaf *index* in the tree of *leaves* (RFC 9162, 2.1.3.1).

    Raises
    ------
    ValueError
        ``index`` outside ``0 <= index < len(leaves)``.

    Examples
    --------
    >>> leaves = [leaf_hash(bytes([i])) for i in range(5)]
    >>> proof = inclusion_proof(3, leaves)
    >>> verify_inclusion(leaves[3], 3, 5, proof, tree_root(leaves))
    True
    """
    if not 0 <= index < len(leaves):
        raise ValueError(f"leaf {index} is not in a tree of size {len(leaves)}")
    if len(leaves) == 1:
        return []
    k = _split(len(leaves))
    if index < k:
        return [*inclusion_proof(index, leaves[:k]), tree_root(leaves[k:])]
    return [*inclusion_proof(index - k, leaves[k:]), tree_root(leaves[:k])]


def consistency_proof(first: int, leaves: Sequence[bytes]) -> list[bytes]:
    """The proof that the tree of the first *first* leaves is a prefix of *leaves* (2.1.4.1).

    Raises
    ------
    ValueError
        ``first`` outside ``0 <= first <= len(leaves)``.

    Examples
    --------
    >>> leaves = [leaf_hash(bytes([i])) for i in range(7)]
    >>> proof = consistency_proof(3, leaves)
    >>> verify_consistency(3, 7, tree_root(leaves[:3]), tree_root(leaves), proof)
    True
    """
    if not 0 <= first <= len(leaves):
        raise ValueError(f"a tree of size {first} cannot be a prefix of one of size {len(leaves)}")
    if first == 0 or first == len(leaves):
        return []
    return _subproof(first, leaves, True)


def _subproof(m: int, leaves: Sequence[bytes], complete: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if complete else [tree_root(leaves)]
    k = _split(n)
    if m <= k:
        return [*_subproof(m, leaves[:k], complete), tree_root(leaves[k:])]
    return [*_subproof(m - k, leaves[k:], False), tree_root(leaves[:k])]


def verify_inclusion(
    leaf: bytes, index: int, tree_size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """Whether *proof* shows *leaf* at *index* in the tree of *tree_size* with head *root*.

    The algorithm of RFC 9162, section 2.1.3.2.
    """
    if index >= tree_size or index < 0:
        return False
    fn, sn, r = index, tree_size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Whether *proof* shows the tree (*first*, *first_root*) is a prefix of (*second*, *second_root*).

    The algorithm of RFC 9162, section 2.1.4.2 (an empty first tree is a
    prefix of every tree).

    Examples
    --------
    >>> leaves = [leaf_hash(bytes([i])) for i in range(4)]
    >>> verify_consistency(2, 4, tree_root(leaves[:2]), tree_root(leaves), [])
    False
    """
    if first < 0 or second < first:
        return False
    if first == 0:
        return not proof
    if first == second:
        return not proof and first_root == second_root
    path = list(proof)
    if first & (first - 1) == 0:  # an exact power of two
        path.insert(0, first_root)
    if not path:
        return False
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == first_root and sr == second_root and sn == 0


class MerkleTree:
    """All levels of the tree over *leaves*, for many inclusion proofs in ``O(log n)`` each.

    A level's last node, when it has no sibling, is carried up unchanged;
    the resulting tree is the RFC 9162 tree (whose left subtrees are perfect).

    Examples
    --------
    >>> leaves = [leaf_hash(bytes([i])) for i in range(6)]
    >>> t = MerkleTree(leaves)
    >>> t.root == tree_root(leaves), t.path(5) == inclusion_proof(5, leaves)
    (True, True)
    """

    def __init__(self, leaves: Sequence[bytes]) -> None:
        self.levels: list[list[bytes]] = [list(leaves)]
        while len(self.levels[-1]) > 1:
            below = self.levels[-1]
            above = [node_hash(below[k], below[k + 1]) for k in range(0, len(below) - 1, 2)]
            if len(below) % 2:
                above.append(below[-1])
            self.levels.append(above)

    @property
    def size(self) -> int:
        """Number of leaves."""
        return len(self.levels[0])

    @property
    def root(self) -> bytes:
        """The Merkle Tree Hash."""
        return self.levels[-1][0] if self.size else EMPTY_ROOT

    def path(self, index: int) -> list[bytes]:
        """The inclusion proof of leaf *index* (same as :func:`inclusion_proof`)."""
        if not 0 <= index < self.size:
            raise ValueError(f"leaf {index} is not in a tree of size {self.size}")
        out = []
        for level in self.levels[:-1]:
            sibling = index ^ 1
            if sibling < len(level):
                out.append(level[sibling])
            index >>= 1
        return out
