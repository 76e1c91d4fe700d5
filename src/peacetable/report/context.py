"""What every section builder receives, and what it returns.

A section builder is a function ``build(ctx: ReportContext) -> Section``. It
reads the scenario and the report settings from the context, calls one
engine's public functions, and returns a :class:`Section`: the question it
answers in plain words, the answer in one sentence, then the evidence
(HTML blocks and charts).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from peacetable.analysis.acceptance import ProposalEvaluation, evaluate_proposals
from peacetable.model import CompiledScenario, Scenario, compile_scenario
from peacetable.report.charts import Chart
from peacetable.report.markup import Markup

Block = Markup | Chart


@dataclass(frozen=True)
class ReportSettings:
    """Sample sizes, horizons and the seed of one report (all printed in its appendix).

    Attributes
    ----------
    seed:
        Seed of every random routine the report calls.
    samples:
        Monte-Carlo samples of the robustness analysis.
    ripeness_samples:
        Monte-Carlo samples of the ripeness timeline (each is searched once per month).
    months:
        Horizon of the ripeness timeline, in months.
    max_changes:
        Largest number of provision changes searched by "what would it take".
    max_pair_charts:
        Most pairwise frontier charts drawn (pairs beyond are listed, not drawn).
    """

    seed: int = 0
    samples: int = 10_000
    ripeness_samples: int = 2_000
    months: int = 36
    max_changes: int = 2
    max_pair_charts: int = 10

    def to_dict(self) -> dict[str, Any]:
        """Plain data."""
        return {
            "seed": self.seed,
            "samples": self.samples,
            "ripeness_samples": self.ripeness_samples,
            "months": self.months,
            "max_changes": self.max_changes,
            "max_pair_charts": self.max_pair_charts,
        }


@dataclass(frozen=True)
class Section:
    """One section of the briefing.

    Attributes
    ----------
    key:
        Identifier (HTML anchor).
    title:
        Heading.
    question:
        The question the section answers, in plain words.
    answer:
        The answer in one sentence.
    blocks:
        The evidence, in order: HTML (:class:`Markup`) and charts.
    method:
        How the answer was obtained (engine, settings, seeds), for the appendix.
    """

    key: str
    title: str
    question: str
    answer: str
    blocks: tuple[Block, ...]
    method: str = ""

    @property
    def charts(self) -> tuple[Chart, ...]:
        """The charts of the section, in order."""
        return tuple(b for b in self.blocks if isinstance(b, Chart))


@dataclass
class ReportContext:
    """The scenario, the settings, and results shared between sections.

    Attributes
    ----------
    scenario:
        The scenario being reported.
    settings:
        Sample sizes and seed.
    compiled:
        The scenario as arrays.
    cache:
        Results one section computed that another may reuse (keyed by name).
    """

    scenario: Scenario
    settings: ReportSettings = field(default_factory=ReportSettings)
    compiled: CompiledScenario = field(init=False)
    cache: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.compiled = compile_scenario(self.scenario)

    @property
    def party_ids(self) -> tuple[str, ...]:
        """The negotiating parties (those with preferences)."""
        return self.compiled.party_ids

    def party_name(self, party_id: str) -> str:
        """Display name of a party."""
        try:
            return self.scenario.party(party_id).name
        except KeyError:
            return party_id

    def issue_name(self, issue_id: str) -> str:
        """Display name of an issue."""
        try:
            return self.scenario.issue(issue_id).name
        except KeyError:
            return issue_id

    def option_label(self, issue_id: str, option_id: str) -> str:
        """Display label of an option of an issue."""
        try:
            issue = self.scenario.issue(issue_id)
        except KeyError:
            return option_id
        return next((o.label for o in issue.options if o.id == option_id), option_id)

    def describe_changes(self, changes: Mapping[str, Any]) -> str:
        """``issue: from → to; …`` for ``{issue: (from, to)}`` or ``{issue: {"from", "to"}}``."""
        parts = []
        for iid, change in changes.items():
            if isinstance(change, Mapping):
                old, new = change["from"], change["to"]
            else:
                old, new = change
            parts.append(
                f"{self.issue_name(iid)}: {self.option_label(iid, old)} → {self.option_label(iid, new)}"
            )
        return "; ".join(parts)

    def proposal_tag(self, proposal_id: str) -> str:
        """``"P1"``, ``"P2"``, …: the proposal's short tag (its position in the scenario)."""
        ids = [p.id for p in self.scenario.proposals]
        return f"P{ids.index(proposal_id) + 1}" if proposal_id in ids else proposal_id

    def verdict(self, evaluation: ProposalEvaluation) -> str:
        """``"accepted by every party"`` or ``"rejected by <party names>"``."""
        if evaluation.accepted_by_all:
            return "accepted by every party"
        names = [self.party_name(p) for p in evaluation.rejected_by]
        if len(names) == 1:
            return f"rejected by {names[0]}"
        return f"rejected by {', '.join(names[:-1])} and {names[-1]}"

    def evaluations(self) -> list[ProposalEvaluation]:
        """Acceptance of every proposal (computed once)."""
        if "evaluations" not in self.cache:
            self.cache["evaluations"] = evaluate_proposals(self.scenario)
        result: list[ProposalEvaluation] = self.cache["evaluations"]
        return result
