"""Acceptance of proposals: who prefers a proposal to no deal, and what it costs whom.

A party accepts a package when its utility is at least its no-deal utility
(its BATNA: Fisher & Ury 1981, *Getting to Yes*, ch. 6; Raiffa 1982, *The Art
and Science of Negotiation*, ch. 4 — the reservation value). For a party
that rejects, the provisions that cost it most are those where the package's
option is furthest, in that party's weighted value, from the party's own best
option on that issue: ``w_pi * (max_o v_pi(o) - v_pi(x_i))``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from peacetable.core import PreparedScenario, Provenance, Result, prepare
from peacetable.core.serialize import generic_to_dict
from peacetable.model import Scenario


@dataclass(frozen=True)
class ProvisionCost:
    """What one provision of a package costs one party, against its best option there."""

    issue: str
    option: str
    best_option: str
    loss: float

    to_dict = generic_to_dict


@dataclass(frozen=True)
class PartyVerdict:
    """One party's view of one package (acceptance by the core's rule).

    ``margin`` is utility minus no-deal utility as the core computes it
    (ties within the exact grid's rounding are exactly 0).
    """

    party: str
    utility: float
    no_deal: float
    margin: float
    accepts: bool
    costliest: tuple[ProvisionCost, ...] = field(metadata={"plain": "costliest_provisions"})

    to_dict = generic_to_dict


@dataclass(frozen=True)
class ProposalEvaluation(Result):
    """Acceptance of one proposal by every negotiating party.

    ``no_deal`` is true when the package is the scenario's no-deal package: it
    is then worth exactly the disagreement point (every margin is 0) and is no
    agreement, which the verdict says.
    """

    proposal: str
    name: str
    package: dict[str, str]
    parties: tuple[PartyVerdict, ...]
    no_deal: bool = False

    plain_properties = ("accepted_by_all", "rejected_by", "verdict")

    @property
    def accepted_by_all(self) -> bool:
        """Every negotiating party prefers it to no deal."""
        return all(v.accepts for v in self.parties)

    @property
    def rejected_by(self) -> tuple[str, ...]:
        """Parties that prefer no deal."""
        return tuple(v.party for v in self.parties if not v.accepts)

    @property
    def verdict(self) -> str:
        """One line: accepted by all, rejected by whom, or no deal itself."""
        if self.no_deal:
            return "no deal itself: every party gets exactly its no-deal value"
        if self.accepted_by_all:
            return "accepted by all"
        return "rejected by " + ", ".join(self.rejected_by)


@dataclass(frozen=True)
class ProposalEvaluations(Result):
    """Acceptance of several proposals (the ``acceptance`` lens's result)."""

    evaluations: tuple[ProposalEvaluation, ...]

    def get(self, proposal: str) -> ProposalEvaluation:
        """The evaluation of one proposal (``KeyError`` if it was not evaluated)."""
        for ev in self.evaluations:
            if ev.proposal == proposal:
                return ev
        raise KeyError(proposal)


NO_PROPOSALS = (
    "the scenario has no proposals: the answers about a draft (acceptance, efficiency, what "
    "it would take, how sure, whether it would hold) need a 'proposals' block"
)
"""What every per-proposal answer says for a scenario without proposals (e.g. every GENIUS
import); the answers that need no draft (frontier, fair packages, ZOPA, robustness of the
fair packages, ripeness) are given as usual."""

_METHOD = Provenance("additive utility against the disagreement point (exact grid)")


def evaluate_package(
    scenario: Scenario | PreparedScenario,
    package: Mapping[str, str],
    *,
    proposal_id: str = "package",
    name: str = "package",
    top: int = 3,
) -> ProposalEvaluation:
    """Each party's utility, no-deal utility and acceptance of a (partial) package.

    Parameters
    ----------
    scenario:
        The scenario (or the prepared scenario).
    package:
        ``{issue id: option id}``; issues left out stay at their status quo.
    top:
        How many costliest provisions to list for a party that rejects.

    Returns
    -------
    ProposalEvaluation

    Raises
    ------
    InputError
        Unknown issue or option.

    Examples
    --------
    >>> from peacetable.scenarios import load_builtin
    >>> s = load_builtin()
    >>> evaluate_package(s, {}).proposal
    'package'
    """
    p = prepare(scenario)
    x = p.encode(package)
    u = p.utilities(x)[0]
    margin = p.margin_of(u)
    verdicts = []
    for k, pid in enumerate(p.party_ids):
        accepts = bool(margin[k] >= 0.0)
        costs: list[ProvisionCost] = []
        if not accepts:
            for i, table in enumerate(p.tables):
                column = table[:, k]
                best = int(np.argmax(column))
                loss = float(column[best] - column[x[i]])
                if loss > p.tie:
                    costs.append(
                        ProvisionCost(
                            p.issue_ids[i], p.option_ids[i][x[i]], p.option_ids[i][best], loss
                        )
                    )
            costs.sort(key=lambda c: -c.loss)
        verdicts.append(
            PartyVerdict(
                pid, float(u[k]), float(p.no_deal[k]), float(margin[k]), accepts, tuple(costs[:top])
            )
        )
    return ProposalEvaluation(
        proposal_id,
        name,
        p.package_dict(x),
        tuple(verdicts),
        no_deal=bool(p.is_no_deal(x)[0]),
        provenance=_METHOD,
    )


def evaluate_proposals(
    scenario: Scenario | PreparedScenario,
    proposal_ids: Sequence[str] | None = None,
    *,
    top: int = 3,
) -> list[ProposalEvaluation]:
    """:func:`evaluate_package` for each proposal of the scenario (or those named).

    Raises
    ------
    InputError
        For an unknown proposal id (with a did-you-mean suggestion).

    Examples
    --------
    >>> from peacetable.scenarios import load_builtin
    >>> [ev.proposal for ev in evaluate_proposals(load_builtin(), ["seven-points"])]
    ['seven-points']
    """
    p = prepare(scenario)
    wanted = p.proposal_ids if proposal_ids is None else tuple(proposal_ids)
    out = []
    for pid in wanted:
        x, _ = p.resolve(pid)
        proposal = p.scenario.proposal(pid)
        out.append(
            evaluate_package(p, p.package_dict(x), proposal_id=pid, name=proposal.name, top=top)
        )
    return out
