"""Implementation plans of a scenario (the sequencing lens, issue 17).

The optional ``implementation:`` list of a scenario, read by
:mod:`peacetable.sequence`: steps, their verification, sequencing rules and
disputed orders. Cross-references are checked in
:mod:`peacetable.model.validate` (block "implementation plans"). Reference:
docs/format.md, section "implementation".
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field, model_validator

from peacetable.model.base import Estimate, FrozenDict, Id, Number, _freeze, _Frozen

__all__ = ["Dispute", "Implementation", "Reading", "SequenceRule", "Step", "Verification"]


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
