"""What every section builder receives, and what it returns.

A section builder is a function ``build(ctx: ReportContext) -> Section``. It
reads lens results from the context's session (never calling an engine its
own way), and returns a :class:`Section`: the question it answers in plain
words, the answer in one sentence, then the evidence (HTML blocks and charts).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from peacetable.analysis.acceptance import ProposalEvaluation, ProposalEvaluations
from peacetable.core import NotApplicable, PreparedScenario, Result, Session, Settings
from peacetable.errors import AnalysisError
from peacetable.model import Scenario
from peacetable.report.charts import Chart
from peacetable.report.markup import Markup

Block = Markup | Chart

#: Most pairwise frontier charts drawn by default (pairs beyond are listed, not drawn).
MAX_PAIR_CHARTS = 10


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
    """What every section builder reads: the session (scenario, settings, lens results).

    Sections read lens results from :attr:`session` only, so each section's
    content is the same whichever other sections are built, and the same as
    ``peacetable analyze`` shows for the same settings.

    Attributes
    ----------
    session:
        The session of the scenario being reported.
    max_pair_charts:
        Most pairwise frontier charts drawn (pairs beyond are listed, not drawn).
    """

    session: Session
    max_pair_charts: int = MAX_PAIR_CHARTS

    @property
    def scenario(self) -> Scenario:
        """The scenario being reported."""
        return self.session.scenario

    @property
    def prepared(self) -> PreparedScenario:
        """The prepared scenario (arrays, acceptance rule)."""
        return self.session.prepared

    @property
    def settings(self) -> Settings:
        """The shared settings (seed, samples, horizon, …)."""
        return self.session.settings

    def result(self, key: str, **options: Any) -> Result:
        """Lens *key*'s result from the session.

        Raises
        ------
        AnalysisError
            The lens cannot answer for this scenario (its reason), so that the
            section is omitted with that reason.
        """
        found = self.session.result(key, **options)
        if isinstance(found, NotApplicable):
            raise AnalysisError(found.reason)
        return found

    @property
    def party_ids(self) -> tuple[str, ...]:
        """The negotiating parties (those with preferences)."""
        return self.prepared.party_ids

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
        """Acceptance of every proposal (the session's ``acceptance`` lens, all proposals)."""
        found = self.session.result("acceptance", proposals=None)
        assert isinstance(found, ProposalEvaluations)
        return list(found.evaluations)
