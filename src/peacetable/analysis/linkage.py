"""Issue linkage: trades of concessions between two parties around a reference package.

"I give way on issue A, you give way on issue B": two parties who weigh issues differently can both gain by trading
concessions: each gives way on the issue it cares about less and is given
way to on the issue it cares about more (Raiffa 1982, ch. 10-11; Sebenius
1983 on adding and subtracting issues; Pruitt 1981 on logrolling).
A *trade* between parties ``p`` and ``q`` is a pair of single-provision moves
on two different issues ``A`` and ``B``:

* ``p`` gives way on ``A``: moving ``A`` from ``r_A`` to ``a`` alone lowers
  ``p``'s utility and raises ``q``'s;
* ``q`` gives way on ``B``: moving ``B`` from ``r_B`` to ``b`` alone lowers
  ``q``'s utility and raises ``p``'s;
* both moves together give a feasible package (constraints respected) that
  ``p`` and ``q`` both strictly prefer to ``r`` (utilities evaluated on the
  whole package, so interaction terms count).

Trades are ranked by the joint gain of ``p`` and ``q``; the effect on every
other party is reported too (a trade may cost a third party).

References
----------
.. [1] Raiffa, H. (1982). *The Art and Science of Negotiation*. Harvard
   University Press, ch. 10-11 (integrative bargaining, trading on
   differences in the importance of issues).
.. [2] Pruitt, D. G. (1981). *Negotiation Behavior*. Academic Press
   (logrolling).
.. [3] Sebenius, J. K. (1983). Negotiation arithmetic: adding and
   subtracting issues and parties. *International Organization* 37(2),
   281-316.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

from peacetable.core import PackageRef, PreparedScenario, Provenance, Result, prepare
from peacetable.core.arrays import IntArray
from peacetable.core.serialize import generic_to_dict
from peacetable.errors import InputError, Location, suggest
from peacetable.model import Scenario

__all__ = [
    "LinkageResult",
    "PairTrades",
    "Trade",
    "issue_linkage",
]


def _logroll_example(no_deal: float = 0.0) -> Scenario:
    """Two parties, two issues, opposed values and different priorities: the classic logroll.

    A weighs ``x`` 3:1 over ``y``, B the reverse; each prefers the option the
    other dislikes; the proposal ``draft`` is ``x=a, y=a``. The classic
    logroll ``x=b, y=b`` gives both 0.75 instead of 0.25. The examples of
    the analysis modules (diagnostics, amendments, negotiating text) use it.
    """
    from peacetable.io import scenario_from_data

    two = [{"id": "a", "label": "a"}, {"id": "b", "label": "b"}]
    prefs = {
        "A": {
            "weights": {"x": 3, "y": 1},
            "values": {"x": {"a": 0, "b": 1}, "y": {"a": 1, "b": 0}},
        },
        "B": {
            "weights": {"x": 1, "y": 3},
            "values": {"x": {"a": 1, "b": 0}, "y": {"a": 0, "b": 1}},
        },
    }
    return scenario_from_data(
        {
            "id": "logroll",
            "title": "Logrolling example",
            # the draft is an ordinary package here: no package is no deal
            "disagreement": {"package": "none"},
            "parties": [{"id": p, "name": p, "no_deal": {"utility": no_deal}} for p in "AB"],
            "issues": [{"id": i, "name": i, "options": two} for i in "xy"],
            "preferences": prefs,
            "proposals": [{"id": "draft", "name": "Draft", "package": {"x": "a", "y": "a"}}],
        }
    )


@dataclass(frozen=True)
class Trade:
    """One trade of concessions between two parties.

    Attributes
    ----------
    parties:
        ``(p, q)``: ``p`` gives way on ``issue_a``, ``q`` on ``issue_b``.
    issue_a, move_a:
        The issue ``p`` gives way on and its ``(from, to)`` options.
    issue_b, move_b:
        The issue ``q`` gives way on and its ``(from, to)`` options.
    package:
        The resulting full package.
    gains:
        Every party's utility change against the reference.
    """

    parties: tuple[str, str]
    issue_a: str
    move_a: tuple[str, str]
    issue_b: str
    move_b: tuple[str, str]
    package: dict[str, str]
    gains: dict[str, float]

    @property
    def joint_gain(self) -> float:
        """Gain of the two trading parties together."""
        return self.gains[self.parties[0]] + self.gains[self.parties[1]]

    @property
    def third_party_losers(self) -> tuple[str, ...]:
        """Other parties the trade makes worse off."""
        return tuple(k for k, g in self.gains.items() if k not in self.parties and g < 0.0)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        p, q = self.parties
        return {
            "parties": [p, q],
            "gives": {
                p: {"issue": self.issue_a, "from": self.move_a[0], "to": self.move_a[1]},
                q: {"issue": self.issue_b, "from": self.move_b[0], "to": self.move_b[1]},
            },
            "package": dict(self.package),
            "gains": dict(self.gains),
            "joint_gain": self.joint_gain,
            "third_party_losers": list(self.third_party_losers),
        }


@dataclass(frozen=True)
class PairTrades:
    """The trades of one pair of parties, best joint gain first.

    ``n_trades`` counts all of them; ``trades`` holds the first ``limit``.
    """

    parties: tuple[str, str]
    n_trades: int
    trades: tuple[Trade, ...]

    to_dict = generic_to_dict


@dataclass(frozen=True)
class LinkageResult(Result):
    """Issue-linkage trades for every pair of parties around a reference package.

    Attributes
    ----------
    reference, reference_id:
        The reference package (and the proposal id it came from, if any).
    pairs:
        One entry per pair of parties (scenario order), including pairs
        without trades.

    Exhaustive enumeration of all pairs of single-provision moves; exact.
    """

    reference: dict[str, str]
    reference_id: str | None
    pairs: tuple[PairTrades, ...]

    def best(self) -> Trade | None:
        """The trade with the largest joint gain over all pairs (``None`` if there is none)."""
        trades = [t for pair in self.pairs for t in pair.trades[:1]]
        return max(trades, key=lambda t: t.joint_gain, default=None)


def issue_linkage(
    scenario: Scenario | PreparedScenario,
    reference: PackageRef = None,
    *,
    parties: tuple[str, ...] | None = None,
    limit: int = 10,
) -> LinkageResult:
    """Trades "p gives way on A, q on B" that both gain from, for every pair of parties.

    Parameters
    ----------
    scenario:
        The scenario.
    reference:
        The starting package: a proposal id, ``{issue: option}`` mapping,
        option indices, or ``None`` (status quo).
    parties:
        Restrict to these parties (default: every party with preferences).
    limit:
        Trades listed per pair (all are counted).

    Returns
    -------
    LinkageResult
        Per pair, the trades ranked by joint gain (ties: the larger smaller
        gain, then issue and option order).

    Raises
    ------
    InputError
        Unknown proposal or party.

    Notes
    -----
    All ``sum_{A<B} (m_A - 1)(m_B - 1)`` two-issue moves and all single
    moves are evaluated once, vectorised; each pair of parties then filters
    them with array masks. ``O(n^2 m^2 (n + P) + P^2 n^2 m^2)``.

    References
    ----------
    .. [1] Raiffa, H. (1982). *The Art and Science of Negotiation*, ch. 10-11.
    .. [2] Pruitt, D. G. (1981). *Negotiation Behavior* (logrolling).

    Examples
    --------
    >>> from peacetable.analysis.linkage import _logroll_example
    >>> t = issue_linkage(_logroll_example(), "draft").pairs[0].trades[0]
    >>> t.parties, t.issue_a, t.issue_b, t.joint_gain
    (('A', 'B'), 'y', 'x', 1.0)
    """
    cs = prepare(scenario)
    base, ref_id = cs.resolve(reference)
    chosen = cs.party_ids if parties is None else parties
    for pid in chosen:
        if pid not in cs.party_ids:
            raise InputError(
                f"unknown party {pid!r}{suggest(pid, cs.party_ids)}; parties with preferences: "
                f"{', '.join(cs.party_ids)}",
                Location(field="parties"),
            )
    n = len(cs.issue_ids)
    u0 = cs.utilities(base)[0]
    # single moves: (issue, option) -> utility change
    single = np.full((n, max(cs.n_options), cs.n_parties), np.nan)
    for i, m in enumerate(cs.n_options):
        opts = np.arange(m)
        block = np.repeat(base[None, :], m, axis=0)
        block[:, i] = opts
        single[i, :m] = cs.margin_of(cs.utilities(block), u0)
    # pair moves A < B
    rows: list[IntArray] = []
    for a, b in itertools.combinations(range(n), 2):
        alt_a = np.array([o for o in range(cs.n_options[a]) if o != base[a]], dtype=np.int64)
        alt_b = np.array([o for o in range(cs.n_options[b]) if o != base[b]], dtype=np.int64)
        if alt_a.size == 0 or alt_b.size == 0:
            continue
        oa, ob = np.meshgrid(alt_a, alt_b, indexing="ij")
        k = oa.size
        rows.append(np.stack([np.full(k, a), oa.ravel(), np.full(k, b), ob.ravel()], axis=1))
    moves = np.concatenate(rows) if rows else np.empty((0, 4), dtype=np.int64)
    pkgs = np.repeat(base[None, :], moves.shape[0], axis=0)
    idx = np.arange(moves.shape[0])
    pkgs[idx, moves[:, 0]] = moves[:, 1]
    pkgs[idx, moves[:, 2]] = moves[:, 3]
    ok = cs.is_agreement(pkgs) if moves.shape[0] else np.zeros(0, dtype=bool)
    du = cs.margin_of(cs.utilities(pkgs), u0) if moves.shape[0] else np.empty((0, cs.n_parties))
    d_a = single[moves[:, 0], moves[:, 1]]  # (N, P) change of the move on the first issue alone
    d_b = single[moves[:, 2], moves[:, 3]]
    tol = 0.0  # differences are tie-cleaned by the core (margin_of): exact comparisons
    pairs = []
    for p_id, q_id in itertools.combinations([x for x in cs.party_ids if x in chosen], 2):
        p, q = cs.party_ids.index(p_id), cs.party_ids.index(q_id)
        both = ok & (du[:, p] > tol) & (du[:, q] > tol)
        # role 1: p gives way on the first issue, q on the second; role 2: the reverse
        role1 = (
            both & (d_a[:, p] < -tol) & (d_a[:, q] > tol) & (d_b[:, q] < -tol) & (d_b[:, p] > tol)
        )
        role2 = (
            both & (d_b[:, p] < -tol) & (d_b[:, q] > tol) & (d_a[:, q] < -tol) & (d_a[:, p] > tol)
        )
        found = []
        for mask, swap in ((role1, False), (role2, True)):
            for r in np.flatnonzero(mask).tolist():
                ia, oa_, ib, ob_ = (int(v) for v in moves[r])
                if swap:
                    ia, oa_, ib, ob_ = ib, ob_, ia, oa_
                found.append((r, ia, oa_, ib, ob_))
        joint = du[:, p] + du[:, q]
        low = np.minimum(du[:, p], du[:, q])
        found.sort(key=lambda f: (-float(joint[f[0]]), -float(low[f[0]]), f[1:]))
        trades = tuple(
            Trade(
                parties=(p_id, q_id),
                issue_a=cs.issue_ids[ia],
                move_a=(cs.option_ids[ia][int(base[ia])], cs.option_ids[ia][oa_]),
                issue_b=cs.issue_ids[ib],
                move_b=(cs.option_ids[ib][int(base[ib])], cs.option_ids[ib][ob_]),
                package=cs.package_dict(pkgs[r]),
                gains={k: float(v) for k, v in zip(cs.party_ids, du[r], strict=True)},
            )
            for r, ia, oa_, ib, ob_ in found[:limit]
        )
        pairs.append(PairTrades(parties=(p_id, q_id), n_trades=len(found), trades=trades))
    return LinkageResult(
        reference=cs.package_dict(base),
        reference_id=ref_id,
        pairs=tuple(pairs),
        provenance=Provenance("exhaustive enumeration of pairs of single-provision concessions"),
    )
