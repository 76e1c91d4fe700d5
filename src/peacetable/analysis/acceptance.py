"""Acceptance of proposals: who prefers a proposal to no deal, and what it costs whom.

A party accepts a package when its utility is at least its no-deal utility
(its BATNA: Fisher & Ury 1981, *Getting to Yes*, ch. 6; Raiffa 1982, *The Art
and Science of Negotiation*, ch. 4 — the reservation value). For a party
that rejects, the provisions that cost it most are those where the package's
option is furthest, in that party's weighted value, from the party's own best
option on that issue: ``w_pi * (max_o v_pi(o) - v_pi(x_i))``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from peacetable.errors import Location, ScenarioError
from peacetable.model import Scenario, compile_scenario
from peacetable.model.evaluate import CompiledScenario
from peacetable.model.validate import suggest


@dataclass(frozen=True)
class ProvisionCost:
    """What one provision of a package costs one party, against its best option there."""

    issue: str
    option: str
    best_option: str
    loss: float

    def to_dict(self) -> dict[str, Any]:
        """Plain data."""
        return {
            "issue": self.issue,
            "option": self.option,
            "best_option": self.best_option,
            "loss": self.loss,
        }


@dataclass(frozen=True)
class PartyVerdict:
    """One party's view of one package."""

    party: str
    utility: float
    no_deal: float
    accepts: bool
    costliest: tuple[ProvisionCost, ...]

    @property
    def margin(self) -> float:
        """Utility minus no-deal utility (negative: rejects)."""
        return self.utility - self.no_deal

    def to_dict(self) -> dict[str, Any]:
        """Plain data."""
        return {
            "party": self.party,
            "utility": self.utility,
            "no_deal": self.no_deal,
            "margin": self.margin,
            "accepts": self.accepts,
            "costliest_provisions": [c.to_dict() for c in self.costliest],
        }


@dataclass(frozen=True)
class ProposalEvaluation:
    """Acceptance of one proposal by every negotiating party."""

    proposal: str
    name: str
    package: dict[str, str]
    parties: tuple[PartyVerdict, ...]

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
        """One line: accepted by all, or rejected by whom."""
        if self.accepted_by_all:
            return "accepted by all"
        return "rejected by " + ", ".join(self.rejected_by)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (keys documented in the README, stable)."""
        return {
            "proposal": self.proposal,
            "name": self.name,
            "package": dict(self.package),
            "accepted_by_all": self.accepted_by_all,
            "rejected_by": list(self.rejected_by),
            "verdict": self.verdict,
            "parties": [v.to_dict() for v in self.parties],
        }


def evaluate_package(
    scenario: Scenario,
    package: dict[str, str],
    *,
    proposal_id: str = "package",
    name: str = "package",
    top: int = 3,
    compiled: CompiledScenario | None = None,
) -> ProposalEvaluation:
    """Each party's utility, no-deal utility and acceptance of a (partial) package.

    Parameters
    ----------
    scenario:
        The scenario.
    package:
        ``{issue id: option id}``; issues left out stay at their status quo.
    top:
        How many costliest provisions to list for a party that rejects.
    compiled:
        The compiled scenario, if already at hand.

    Returns
    -------
    ProposalEvaluation

    Examples
    --------
    >>> from peacetable.scenarios import load_builtin
    >>> s = load_builtin()
    >>> evaluate_package(s, {}).proposal
    'package'
    """
    cs = compiled if compiled is not None else compile_scenario(scenario)
    x = cs.encode(package)
    u = cs.utilities(x[None, :])[0]
    verdicts = []
    for p, pid in enumerate(cs.party_ids):
        accepts = bool(u[p] >= cs.no_deal[p])
        costs: list[ProvisionCost] = []
        if not accepts:
            for i, table in enumerate(cs.tables):
                column = table[:, p]
                best = int(np.argmax(column))
                loss = float(column[best] - column[x[i]])
                if loss > 1e-12:
                    costs.append(
                        ProvisionCost(
                            cs.issue_ids[i], cs.option_ids[i][x[i]], cs.option_ids[i][best], loss
                        )
                    )
            costs.sort(key=lambda c: -c.loss)
        verdicts.append(
            PartyVerdict(pid, float(u[p]), float(cs.no_deal[p]), accepts, tuple(costs[:top]))
        )
    return ProposalEvaluation(proposal_id, name, cs.decode(x), tuple(verdicts))


def evaluate_proposals(
    scenario: Scenario, proposal_ids: list[str] | None = None, *, top: int = 3
) -> list[ProposalEvaluation]:
    """:func:`evaluate_package` for each proposal of the scenario (or those named).

    Raises
    ------
    ScenarioError
        For an unknown proposal id (with a did-you-mean suggestion).
    """
    cs = compile_scenario(scenario)
    known = [p.id for p in scenario.proposals]
    wanted = known if proposal_ids is None else proposal_ids
    out = []
    for pid in wanted:
        if pid not in known:
            raise ScenarioError(
                f"unknown proposal {pid!r}{suggest(pid, known)}; proposals: {', '.join(known) or 'none'}",
                Location(field="proposal"),
            )
        proposal = scenario.proposal(pid)
        out.append(
            evaluate_package(
                scenario,
                dict(proposal.package),
                proposal_id=pid,
                name=proposal.name,
                top=top,
                compiled=cs,
            )
        )
    return out
