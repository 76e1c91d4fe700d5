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

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

FORMAT = "peacetable/1"
"""The scenario format identifier written in every file."""

Role = Literal["principal", "mediator", "guarantor", "host", "observer"]
Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z][A-Za-z0-9_\-]*$")]


class FrozenDict(dict[Any, Any]):
    """A ``dict`` that refuses mutation after construction (hashable by identity)."""

    def _readonly(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("scenario objects are immutable; use model_copy(update=...)")

    __setitem__ = _readonly
    __delitem__ = _readonly
    clear = _readonly
    pop = _readonly
    popitem = _readonly  # type: ignore[assignment]
    setdefault = _readonly
    update = _readonly

    def __hash__(self) -> int:  # type: ignore[override]
        return id(self)


def _freeze(value: Any) -> Any:
    if isinstance(value, dict) and not isinstance(value, FrozenDict):
        return FrozenDict({k: _freeze(v) for k, v in value.items()})
    return value


class _Frozen(BaseModel):
    # allow_inf_nan=False: NaN and infinities are refused where they are written, with their
    # location, instead of surfacing later as "utilities must be finite" or invalid JSON output
    model_config = ConfigDict(
        frozen=True, extra="forbid", populate_by_name=True, allow_inf_nan=False
    )


def _estimate_from_number(value: Any) -> Any:
    if isinstance(value, bool):
        return value  # let pydantic reject booleans as numbers
    if isinstance(value, int | float):
        return {"value": value}
    return value


class Estimate(_Frozen):
    """An illustrative estimate: a central value, its plausible range and its basis.

    Attributes
    ----------
    value:
        The central estimate.
    range:
        ``(low, high)`` with ``low <= value <= high``; ``None`` means "use the
        default uncertainty of the context" (see :class:`Uncertainty`).
    source:
        Reference ``SOURCE_ID#PASSAGE`` to the sentence the estimate rests on.
    assumption:
        A one-line reason when the number is an analyst's assumption.
    """

    value: float
    range: tuple[float, float] | None = None
    source: str | None = None
    assumption: str | None = None

    @model_validator(mode="after")
    def _range_contains_value(self) -> Estimate:
        if self.range is not None:
            low, high = self.range
            if not low <= self.value <= high:
                raise ValueError(
                    f"range [{low}, {high}] must contain the value {self.value} (low <= value <= high)"
                )
        return self

    def bounds(self, default_halfwidth: float, lower: float, upper: float) -> tuple[float, float]:
        """The uncertainty interval: the declared range, else value ± halfwidth, clipped."""
        if self.range is not None:
            return self.range
        return (
            max(lower, self.value - default_halfwidth),
            min(upper, self.value + default_halfwidth),
        )


Number = Annotated[Estimate, BeforeValidator(_estimate_from_number)]


class Passage(_Frozen):
    """A quoted sentence of a source that estimates point to."""

    text: str = Field(min_length=1)
    note: str | None = None


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
    """A party at the table (or around it)."""

    id: Id
    name: str = Field(min_length=1)
    role: Role = "principal"
    description: str | None = None
    power: Number = Field(default_factory=lambda: Estimate(value=0.5))
    no_deal: NoDeal | None = None

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


# --- BEGIN issue requirements (conflict lens, issue 11): helper of Issue.requires -------
def _one_or_many(value: Any) -> Any:
    """A single option id stands for a one-element list (issue requirements)."""
    return (value,) if isinstance(value, str) else value


# --- END issue requirements helper -----------------------------------------------------


class Issue(_Frozen):
    """A contested issue (a provision of the agreement) and its options.

    ``status_quo`` is the option that holds when the issue is not agreed
    (default: the first option); partial proposals fill unspecified issues with it.
    ``controlled_by`` lists the parties that can implement the issue alone.
    ``ordered`` says the options form a scale in the order given.
    ``requires`` (conflict lens, see below) makes the issue's agreed options
    depend on other issues.
    """

    id: Id
    name: str = Field(min_length=1)
    description: str | None = None
    provision: int | None = Field(default=None, ge=0)
    controlled_by: tuple[Id, ...] = ()
    ordered: bool = False
    status_quo: Id | None = None
    options: tuple[Option, ...] = Field(min_length=1)
    # --- BEGIN issue requirements (conflict lens, issue 11) -----------------------------
    # ``requires: {issue: [options]}``: this issue's options other than its status quo
    # hold only while each named issue takes one of the listed options; a move that
    # breaks the requirement reverts this issue to its status quo in the same move
    # (peacetable.conflict.scenario). Checked in validate.py ("issue requirements").
    requires: Annotated[
        dict[str, Annotated[tuple[Id, ...], BeforeValidator(_one_or_many)]],
        AfterValidator(_freeze),
    ] = Field(default_factory=FrozenDict)
    # --- END issue requirements -----------------------------------------------------------

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
    """A named package on the table; issues it leaves out stay at their status quo."""

    id: Id
    name: str = Field(min_length=1)
    description: str | None = None
    proposed_by: tuple[Id, ...] = ()
    package: Annotated[dict[str, str], AfterValidator(_freeze)]
    source: str | None = None


# =====================================================================================
# BEGIN implementation plans (sequencing lens, issue 17). Additive block: the optional
# `implementation:` list of a scenario, read by peacetable.sequence. Cross-references
# are checked in validate.py (block "implementation plans"). Reference: docs/format.md,
# section "implementation".
# =====================================================================================


class Verification(_Frozen):
    """How a step is verified: by whom, how long after it is done, and how likely a breach is seen.

    ``delay`` is in months; ``detection`` is the probability (0..1) that the
    verifiers detect a reversal (breach) of the step (Kilgour & Brams 1992).
    """

    by: tuple[Id, ...] = Field(min_length=1)
    delay: Number = Field(default_factory=lambda: Estimate(value=0.0))
    detection: Number
    source: str | None = None
    assumption: str | None = None


class Step(_Frozen):
    """One step of an implementation plan, performed by one party, possibly in tranches.

    ``issue`` is the provision the step implements and ``reaches`` the option of that
    issue holding once this step (and the earlier steps of the issue) are done; the
    step's default value to each party is derived from the scenario's utilities (see
    docs/format.md). ``value`` overrides the derivation per party. ``duration`` is in
    months, per tranche; ``tranches`` is a count (equal tranches) or the list of
    tranche sizes (fractions summing to 1).
    """

    id: Id
    name: str = Field(min_length=1)
    description: str | None = None
    performer: Id
    issue: Id | None = None
    reaches: Id | None = None
    size: Number = Field(default_factory=lambda: Estimate(value=1.0))
    tranches: int | tuple[Number, ...] = 1
    duration: Number
    value: Annotated[dict[str, Number], AfterValidator(_freeze)] = Field(default_factory=FrozenDict)
    reversible: bool = False
    reversal_cost: Number = Field(default_factory=lambda: Estimate(value=0.0))
    verification: Verification | None = None
    source: str | None = None
    assumption: str | None = None

    @property
    def tranche_sizes(self) -> tuple[float, ...]:
        """Tranche sizes as fractions of the step (equal tranches for a count)."""
        if isinstance(self.tranches, int):
            return (1.0 / self.tranches,) * self.tranches
        return tuple(t.value for t in self.tranches)


class SequenceRule(_Frozen):
    """One constraint on the order of steps; exactly one form.

    ``before: [A, B]`` (A, all tranches, done and verified before B starts);
    ``match: [A, B]`` with ``within: k`` (tranche j of B within k phases of
    tranche j of A); ``same_phase: [A, B, ...]`` (tranche j of each in one
    phase); ``limit: n`` with ``steps`` and/or ``performer`` (at most n tranches
    of those steps per phase; neither given: of all steps).
    """

    id: Id | None = None
    before: tuple[Id, Id] | None = None
    match: tuple[Id, Id] | None = None
    within: int = Field(default=0, ge=0)
    same_phase: tuple[Id, ...] | None = None
    limit: int | None = Field(default=None, ge=1)
    steps: tuple[Id, ...] = ()
    performer: Id | None = None
    reason: str | None = None

    @model_validator(mode="after")
    def _one_form(self) -> SequenceRule:
        forms = [
            k
            for k, v in (
                ("before", self.before),
                ("match", self.match),
                ("same_phase", self.same_phase),
                ("limit", self.limit),
            )
            if v is not None
        ]
        if len(forms) != 1:
            raise ValueError(
                "a sequencing constraint has exactly one of 'before', 'match', 'same_phase', "
                f"'limit' (got {', '.join(forms) or 'none'})"
            )
        if self.within and self.match is None:
            raise ValueError("'within' goes with 'match'")
        if (self.steps or self.performer is not None) and self.limit is None:
            raise ValueError("'steps' and 'performer' go with 'limit'")
        if self.same_phase is not None and len(self.same_phase) < 2:
            raise ValueError("'same_phase' needs two or more steps")
        return self


class Reading(_Frozen):
    """One reading of a disputed order: the precedences it imposes."""

    id: Id
    name: str = Field(min_length=1)
    before: tuple[tuple[Id, Id], ...] = Field(min_length=1)
    source: str | None = None
    assumption: str | None = None


class Dispute(_Frozen):
    """An order the parties read differently (e.g. the Minsk order); two or more readings."""

    id: Id
    name: str = Field(min_length=1)
    description: str | None = None
    readings: tuple[Reading, ...] = Field(min_length=2)
    source: str | None = None


class Implementation(_Frozen):
    """How a proposal is implemented: steps, order constraints, exposure bounds, disputes.

    ``exposure_bound`` is the default bound of every negotiating party (utility units,
    the 0..1 scale); ``exposure_bounds`` sets it per party.
    """

    proposal: Id
    description: str | None = None
    max_phases: int = Field(default=12, ge=1, le=400)
    exposure_bound: Number | None = None
    exposure_bounds: Annotated[dict[str, Number], AfterValidator(_freeze)] = Field(
        default_factory=FrozenDict
    )
    steps: tuple[Step, ...] = Field(min_length=1)
    constraints: tuple[SequenceRule, ...] = ()
    disputes: tuple[Dispute, ...] = ()
    source: str | None = None
    assumption: str | None = None


# =====================================================================================
# END implementation plans (sequencing lens, issue 17)
# =====================================================================================


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
