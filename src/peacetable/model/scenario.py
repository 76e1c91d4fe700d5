"""The scenario model: parties, issues, options, preferences, constraints, proposals.

Every class here is an immutable, validated pydantic v2 model. Structural checks
(types, ranges, unknown keys) are pydantic's; cross-references (unknown ids,
duplicate ids, constraint violations) are checked by
:func:`peacetable.model.validate.check_scenario`, which the loaders call.

Numbers that are estimates (weights, option values, no-deal utilities, power,
beliefs) may be written either as a plain number or as an :class:`Estimate`
mapping ``{value, range, source, assumption}``; both load into an
:class:`Estimate`, so every number carries its uncertainty range and where it
comes from.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, field_validator, model_validator

from peacetable.model.base import (
    FORMAT,
    Estimate,
    FrozenDict,
    Id,
    Number,
    Role,
    _estimate_from_number,
    _freeze,
    _Frozen,
)
from peacetable.model.plans import (
    Dispute,
    Implementation,
    Reading,
    SequenceRule,
    Step,
    Verification,
)

# the building blocks and plan classes are re-exported: ``peacetable.model.scenario`` is
# the one import path of the model
__all__ = [
    "FORMAT",
    "NO_DEAL_NONE",
    "NO_DEAL_STATUS_QUO",
    "ConflictCosts",
    "ConflictOutcome",
    "Constraint",
    "Contingent",
    "Disagreement",
    "Dispute",
    "Estimate",
    "FrozenDict",
    "Id",
    "Implementation",
    "Interaction",
    "Issue",
    "NoDeal",
    "Number",
    "Option",
    "Party",
    "Passage",
    "Preferences",
    "Process",
    "Proposal",
    "Reading",
    "Role",
    "Scenario",
    "SequenceRule",
    "Source",
    "Step",
    "Uncertainty",
    "Verification",
]


class Passage(_Frozen):
    """A quoted sentence of a source that estimates point to.

    ``opinion: true`` marks an evaluative sentence (the author's judgement, not
    a report): a number may cite it only next to a stated ``assumption``, never
    rest on it alone (checked by validation).
    """

    text: str = Field(min_length=1)
    note: str | None = None
    opinion: bool = False


class Source(_Frozen):
    """A document the scenario rests on; ``passages`` are referenced as ``id#key``."""

    id: Id
    title: str
    author: str | None = None
    date: str | None = None
    url: str | None = None
    note: str | None = None
    passages: Annotated[dict[str, Passage], AfterValidator(_freeze)] = Field(default_factory=dict)


class NoDeal(_Frozen):
    """A party's utility of no agreement (its BATNA), and how it changes over time.

    ``monthly_change`` is the change of that utility per month of continued
    conflict (negative: the conflict hurts); ripeness analysis uses it.
    """

    utility: float = Field(ge=-1.0, le=2.0)
    range: tuple[float, float] | None = None
    monthly_change: float = 0.0
    monthly_change_range: tuple[float, float] | None = None
    source: str | None = None
    assumption: str | None = None

    @model_validator(mode="after")
    def _range_contains_value(self) -> NoDeal:
        if self.range is not None and not self.range[0] <= self.utility <= self.range[1]:
            raise ValueError(f"range {list(self.range)} must contain the utility {self.utility}")
        mr = self.monthly_change_range
        if mr is not None and not mr[0] <= self.monthly_change <= mr[1]:
            raise ValueError(
                f"monthly_change_range {list(mr)} must contain monthly_change {self.monthly_change}"
            )
        return self


class Party(_Frozen):
    """A party at the table (or around it).

    ``bloc`` names the alliance a party acts in: parties with the same bloc id
    act as one actor where a lens needs single actors (forecasting counts a
    bloc once, not each ally as a separate voter).
    """

    id: Id
    name: str = Field(min_length=1)
    role: Role = "principal"
    description: str | None = None
    power: Number = Field(default_factory=lambda: Estimate(value=0.5))
    no_deal: NoDeal | None = None
    bloc: Id | None = None

    @property
    def no_deal_value(self) -> NoDeal:
        """The party's scalar no-deal utility (0 when the file gives none)."""
        return self.no_deal if self.no_deal is not None else NoDeal(utility=0.0)

    @field_validator("power")
    @classmethod
    def _power_in_unit_interval(cls, value: Estimate) -> Estimate:
        if not 0.0 <= value.value <= 1.0:
            raise ValueError(f"power must be within 0..1, got {value.value}")
        return value


class Contingent(_Frozen):
    """An option whose content depends on an uncertain event.

    ``outcomes`` maps each outcome id of ``event`` to its description. Each
    party values such an option as the belief-weighted mean of its values
    for the outcomes.
    """

    event: Id
    outcomes: Annotated[dict[str, str], AfterValidator(_freeze)]

    @field_validator("outcomes")
    @classmethod
    def _at_least_two(cls, value: dict[str, str]) -> dict[str, str]:
        if len(value) < 2:
            raise ValueError("a contingent option needs at least two outcomes")
        return value


class Option(_Frozen):
    """One way an issue could be settled."""

    id: Id
    label: str = Field(min_length=1)
    description: str | None = None
    contingent: Contingent | None = None


class Issue(_Frozen):
    """A contested issue (a provision of the agreement) and its options.

    ``status_quo`` is the option that holds when the issue is not agreed
    (default: the first option); partial proposals fill unspecified issues with it.
    ``controlled_by`` lists the parties that can implement the issue alone.
    ``ordered`` says the options form a scale in the order given.
    """

    id: Id
    name: str = Field(min_length=1)
    description: str | None = None
    provision: int | None = Field(default=None, ge=0)
    controlled_by: tuple[Id, ...] = ()
    ordered: bool = False
    status_quo: Id | None = None
    options: tuple[Option, ...] = Field(min_length=1)

    @property
    def option_ids(self) -> tuple[str, ...]:
        """Option ids in file order."""
        return tuple(o.id for o in self.options)

    @property
    def status_quo_option(self) -> str:
        """The option that holds without agreement."""
        return self.status_quo if self.status_quo is not None else self.options[0].id


class Uncertainty(_Frozen):
    """Default half-widths of uncertainty for numbers given without a range.

    ``weights`` is relative (0.2 means ±20 % of the weight); ``values`` and
    ``beliefs`` are absolute on the 0..1 scale.
    """

    weights: float = Field(default=0.2, ge=0.0, le=1.0)
    values: float = Field(default=0.1, ge=0.0, le=1.0)
    beliefs: float = Field(default=0.1, ge=0.0, le=1.0)


class Interaction(_Frozen):
    """A non-additive term: ``bonus`` is added to the party's utility when all
    the issue/option pairs in ``when`` hold together (negative: a penalty)."""

    when: Annotated[dict[str, str], AfterValidator(_freeze)]
    bonus: Number
    source: str | None = None
    assumption: str | None = None

    @field_validator("when")
    @classmethod
    def _at_least_two_issues(cls, value: dict[str, str]) -> dict[str, str]:
        if len(value) < 2:
            raise ValueError("an interaction links at least two issues")
        return value


OptionValue = Annotated[Estimate | dict[str, Number], BeforeValidator(_estimate_from_number)]


class Preferences(_Frozen):
    """One party's preferences.

    Attributes
    ----------
    weights:
        Salience of each issue (non-negative; normalised to sum 1 when
        evaluating). Issues left out weigh 0.
    values:
        Value (0..1) of each option of each weighted issue; for a contingent
        option, a mapping from the event's outcomes to values.
    beliefs:
        Subjective probability of each outcome of each event.
    """

    weights: Annotated[dict[str, Number], AfterValidator(_freeze)]
    values: Annotated[dict[str, dict[str, OptionValue]], AfterValidator(_freeze)]
    beliefs: Annotated[dict[str, dict[str, Number]], AfterValidator(_freeze)] = Field(
        default_factory=FrozenDict
    )
    uncertainty: Uncertainty = Field(default_factory=Uncertainty)
    interactions: tuple[Interaction, ...] = ()
    source: str | None = None
    assumption: str | None = None

    def normalised_weights(self) -> dict[str, float]:
        """Weights scaled to sum to 1 (validation guarantees a positive sum)."""
        total = sum(w.value for w in self.weights.values())
        return {k: w.value / total for k, w in self.weights.items()}


OptionChoice = Annotated[
    tuple[Id, ...], BeforeValidator(lambda v: (v,) if isinstance(v, str) else v)
]


ConstraintKind = Literal["cannot_be_agreed", "cannot_happen"]


class Constraint(_Frozen):
    """An infeasible combination of options.

    Either ``if``/``then`` (when every ``if`` issue takes one of the listed
    options, every ``then`` issue must take one of its listed options) or
    ``excludes`` (these issue/option pairs cannot all hold together).

    ``kind`` says what kind of impossibility it is: ``cannot_be_agreed`` (the
    default: an agreement may not contain the combination, but the world can
    still end up in it, e.g. when a party breaks an agreed term) or
    ``cannot_happen`` (physically impossible: no state of the world has it).
    Every agreement respects both kinds; the conflict lens removes only states
    that cannot happen.
    """

    if_: Annotated[dict[str, OptionChoice], AfterValidator(_freeze)] | None = Field(
        default=None, alias="if"
    )
    then: Annotated[dict[str, OptionChoice], AfterValidator(_freeze)] | None = None
    excludes: Annotated[dict[str, str], AfterValidator(_freeze)] | None = None
    kind: ConstraintKind = "cannot_be_agreed"
    reason: str | None = None

    @model_validator(mode="after")
    def _one_form(self) -> Constraint:
        conditional = self.if_ is not None or self.then is not None
        if conditional and self.excludes is not None:
            raise ValueError("a constraint is either if/then or excludes, not both")
        if conditional and (not self.if_ or not self.then):
            raise ValueError("an if/then constraint needs both a non-empty 'if' and 'then'")
        if not conditional and (self.excludes is None or len(self.excludes) < 2):
            raise ValueError(
                "a constraint needs 'if' and 'then', or 'excludes' with two or more issues"
            )
        return self


class ConflictOutcome(_Frozen):
    """One way the conflict can end if no agreement is reached (a package of the issue space).

    ``package`` names the option of each issue in that outcome; issues it leaves
    out stay at their status quo.
    """

    id: Id
    name: str = Field(min_length=1)
    description: str | None = None
    package: Annotated[dict[str, str], AfterValidator(_freeze)] = Field(default_factory=FrozenDict)
    source: str | None = None
    assumption: str | None = None


class ConflictCosts(_Frozen):
    """What going on with the conflict costs a party, in its utility units.

    ``cost`` is paid by choosing no deal now (the expected cost of fighting on,
    Fearon 1995's ``c``); ``monthly`` is added for every month the conflict has
    already gone on (the accumulated cost, which drives ripeness).
    """

    cost: Number = Field(default_factory=lambda: Estimate(value=0.0))
    monthly: Number = Field(default_factory=lambda: Estimate(value=0.0))
    source: str | None = None
    assumption: str | None = None


#: ``disagreement.package`` values with a special meaning.
NO_DEAL_STATUS_QUO = "status_quo"
NO_DEAL_NONE = "none"


class Disagreement(_Frozen):
    """What no agreement is, and what it is worth to each party over time.

    ``package`` says which package *is* no deal: ``status_quo`` (the default:
    the package that agrees nothing, every issue at its status quo), ``none``
    (no package is: every package is an agreement, e.g. a GENIUS domain), a
    proposal id, or a partial package ``{issue: option}``. Every lens values that
    package at the disagreement point, exactly, and no lens counts it as an
    agreement.

    Without ``outcomes`` a party's disagreement point is its scalar
    ``no_deal`` (``utility + monthly_change · t``). With ``outcomes``, no deal is
    a lottery over how the conflict ends: party ``p``'s no-deal utility at
    month ``t`` is ``Σ_o q_po(t) u_p(o) − cost_p − monthly_p · t``, where each
    party holds its own probabilities ``beliefs[p]`` at month 0 (mutual
    optimism: Fearon 1995; Blainey 1973), and those move toward the ``common``
    estimate as fighting reveals information, closing the share
    ``convergence`` of the gap every month:
    ``q_p(t) = common + (q_p(0) − common)(1 − convergence)^t`` (Slantchev 2003;
    Powell 2004).
    """

    package: str | Annotated[dict[str, str], AfterValidator(_freeze)] = NO_DEAL_STATUS_QUO
    outcomes: tuple[ConflictOutcome, ...] = ()
    beliefs: Annotated[dict[str, dict[str, Number]], AfterValidator(_freeze)] = Field(
        default_factory=FrozenDict
    )
    common: Annotated[dict[str, Number], AfterValidator(_freeze)] = Field(
        default_factory=FrozenDict
    )
    convergence: Number = Field(default_factory=lambda: Estimate(value=0.0))
    costs: Annotated[dict[str, ConflictCosts], AfterValidator(_freeze)] = Field(
        default_factory=FrozenDict
    )
    source: str | None = None
    assumption: str | None = None

    @field_validator("convergence")
    @classmethod
    def _rate_in_unit_interval(cls, value: Estimate) -> Estimate:
        low, high = value.range or (value.value, value.value)
        if not (low >= 0.0 and high <= 1.0):
            raise ValueError(f"convergence must be within 0..1, got {value.value}")
        return value


class Proposal(_Frozen):
    """A named package on the table; issues it leaves out stay at their status quo.

    ``hindsight: true`` marks a proposal made after the scenario's date that a
    user wants to compare (e.g. a later real draft): it is evaluated and shown
    apart from the proposals on the table, is never the focus of an analysis,
    and no number may rest on its source (checked by validation).
    """

    id: Id
    name: str = Field(min_length=1)
    description: str | None = None
    proposed_by: tuple[Id, ...] = ()
    package: Annotated[dict[str, str], AfterValidator(_freeze)]
    source: str | None = None
    hindsight: bool = False


class Process(_Frozen):
    """Talks about talks: issues settled before the settlement and not traded against it.

    With ``first: true`` (the default) the bargaining solutions, frontier, zone
    of agreement, "what would it take" searches, linkage trades, single-text
    and post-settlement improvements hold every process issue at its agreed
    option (``package``; default: the first proposal on the table), so a
    settlement is never "improved" by moving the venue or the mediator. A
    user can lift that per run (``Settings(trade_process=True)``,
    ``--trade-process``).
    """

    issues: tuple[Id, ...] = Field(min_length=1)
    package: Annotated[dict[str, str], AfterValidator(_freeze)] | None = None
    first: bool = True
    source: str | None = None
    note: str | None = None


class Scenario(_Frozen):
    """A negotiation: the one model every lens reads."""

    format: Literal["peacetable/1"] = "peacetable/1"
    id: Id
    title: str = Field(min_length=1)
    description: str | None = None
    date: str | None = None
    sources: tuple[Source, ...] = ()
    parties: tuple[Party, ...] = Field(min_length=1)
    issues: tuple[Issue, ...] = Field(min_length=1)
    preferences: Annotated[dict[str, Preferences], AfterValidator(_freeze)]
    constraints: tuple[Constraint, ...] = ()
    proposals: tuple[Proposal, ...] = ()
    disagreement: Disagreement = Field(default_factory=Disagreement)
    process: Process | None = None
    implementation: tuple[Implementation, ...] = ()  # sequencing lens (issue 17)

    @property
    def party_ids(self) -> tuple[str, ...]:
        """Party ids in file order."""
        return tuple(p.id for p in self.parties)

    @property
    def issue_ids(self) -> tuple[str, ...]:
        """Issue ids in file order."""
        return tuple(i.id for i in self.issues)

    @property
    def negotiating_party_ids(self) -> tuple[str, ...]:
        """Parties that have preferences, in file order (the ones whose acceptance counts)."""
        return tuple(p.id for p in self.parties if p.id in self.preferences)

    def party(self, party_id: str) -> Party:
        """The party with this id (KeyError if unknown)."""
        found: Party = _by_id(self.parties, party_id, "party")
        return found

    def issue(self, issue_id: str) -> Issue:
        """The issue with this id (KeyError if unknown)."""
        found: Issue = _by_id(self.issues, issue_id, "issue")
        return found

    def proposal(self, proposal_id: str) -> Proposal:
        """The proposal with this id (KeyError if unknown)."""
        found: Proposal = _by_id(self.proposals, proposal_id, "proposal")
        return found

    @property
    def tabled_proposals(self) -> tuple[Proposal, ...]:
        """The proposals on the table (not ``hindsight``), in file order."""
        return tuple(p for p in self.proposals if not p.hindsight)

    def process_package(self) -> dict[str, str] | None:
        """The agreed options of the process issues (``process.package``, else the first
        proposal on the table's), or None when the scenario has no process block or
        neither is given."""
        if self.process is None:
            return None
        if self.process.package is not None:
            return dict(self.process.package)
        tabled = self.tabled_proposals
        if not tabled:
            return None
        full = self.complete_package(tabled[0].package)
        return {i: full[i] for i in self.process.issues if i in full}

    def complete_package(self, package: Mapping[str, str]) -> dict[str, str]:
        """A full package: *package* with every missing issue at its status quo."""
        return {i.id: package.get(i.id, i.status_quo_option) for i in self.issues}

    def status_quo_package(self) -> dict[str, str]:
        """Every issue at its status quo option."""
        return self.complete_package({})

    def iter_events(self) -> Iterator[tuple[str, tuple[str, ...]]]:
        """Each uncertain event once, with its outcome ids."""
        seen: set[str] = set()
        for issue in self.issues:
            for option in issue.options:
                c = option.contingent
                if c is not None and c.event not in seen:
                    seen.add(c.event)
                    yield c.event, tuple(c.outcomes)


def _by_id(items: tuple[Any, ...], item_id: str, kind: str) -> Any:
    for item in items:
        if item.id == item_id:
            return item
    raise KeyError(f"unknown {kind} {item_id!r}")
