"""The prepared scenario: a validated scenario turned into arrays once, shared by every lens.

:func:`prepare` builds a :class:`PreparedScenario` from a
:class:`~peacetable.model.Scenario`: the weighted value tables, interaction
terms and constraints on the exact grid (:mod:`peacetable.core.evaluator`),
one package resolver, the one acceptance rule, and -- built lazily, at most
once -- the agreement space (compound issues for the exact engines) and the
sampling model (every estimate as a parameter for the uncertainty lens).
Every lens accepts a scenario or a prepared scenario and calls
:func:`prepare`, which returns a prepared scenario unchanged, so a chain of
lenses prepares a scenario once.

References
----------
.. [1] Raiffa, H. (1982). *The Art and Science of Negotiation*. Harvard
   University Press, ch. 10 (packages scored by additive value) and ch. 4
   (reservation values).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

from peacetable.core.arrays import FloatArray, IntArray
from peacetable.core.compile import lottery_inputs, no_deal_package, scenario_arrays
from peacetable.core.disagreement import DisagreementPoint
from peacetable.core.evaluator import ForbiddenPattern, PackageEvaluator, snap
from peacetable.core.sampling import ParameterModel
from peacetable.core.space import AgreementSpace
from peacetable.errors import InputError, Location, suggest
from peacetable.model.scenario import Scenario

PackageRef = str | Mapping[str, str] | npt.ArrayLike | None
"""A package named by a proposal id, ``{issue: option}`` (partial: status quo fills the
rest), option indices ``(n_issues,)``, or ``None`` (the status quo)."""


#: How a pattern that holds a process issue at its agreed option names itself (the
#: reason :meth:`PreparedScenario.settled` gives it; diagnostics recognise it by this).
PROCESS_HELD = "process agreed first: "


@dataclass(frozen=True, eq=False)
class PreparedScenario(PackageEvaluator):
    """A scenario as arrays, with its resolver, acceptance rule and lazily built engines.

    Build with :func:`prepare`. Being a
    :class:`~peacetable.core.evaluator.PackageEvaluator`, it has
    ``utilities``, ``feasible``, ``margin``, ``accepts``, ``encode``,
    ``package_dict`` and ``all_packages``.

    Attributes
    ----------
    scenario:
        The validated scenario.
    disagreement:
        The disagreement model (:mod:`peacetable.core.disagreement`): what no
        deal is worth to each party, month by month.
    """

    scenario: Scenario = field(repr=False, kw_only=True)
    disagreement: DisagreementPoint = field(repr=False, kw_only=True)

    def no_deal_at(self, month: float) -> FloatArray:
        """``(n_parties,)`` the disagreement point after *month* months (on the exact grid).

        Month 0 is :attr:`no_deal`. Every lens that looks ahead in time
        (ripeness, simulation, sequencing) reads the disagreement point here.
        """
        if month == 0:
            return self.no_deal.copy()
        return snap(self.disagreement.at(month), self.quantum)

    @property
    def proposal_ids(self) -> tuple[str, ...]:
        """Ids of the proposals on the table, in file order (``hindsight`` ones apart)."""
        return tuple(p.id for p in self.scenario.tabled_proposals)

    @property
    def hindsight_ids(self) -> tuple[str, ...]:
        """Ids of the ``hindsight`` proposals (later proposals kept for comparison)."""
        return tuple(p.id for p in self.scenario.proposals if p.hindsight)

    def settled(self, trade_process: bool = False) -> PreparedScenario:
        """The scenario as the agreement-space searches see it: the process agreed first.

        When the scenario has a ``process`` block with ``first: true`` and
        *trade_process* is false, every process issue is held at its agreed
        option (:meth:`~peacetable.model.Scenario.process_package`): the other
        options of those issues cannot be agreed in a search (frontier, fair
        packages, ZOPA, fewest changes, linkage, single text, post-settlement,
        robust package). Utilities, acceptance and no deal are unchanged, and
        package indices are the same; otherwise this is the scenario itself.

        Examples
        --------
        >>> from peacetable.scenarios import load_builtin
        >>> p = prepare(load_builtin())
        >>> p.settled(trade_process=True) is p
        True
        """
        if trade_process:
            return self
        return self._process_held

    @cached_property
    def _process_held(self) -> PreparedScenario:
        process = self.scenario.process
        agreed = self.scenario.process_package()
        if process is None or not process.first or agreed is None:
            return self
        held = []
        for iid, oid in agreed.items():
            k = self.issue_ids.index(iid)
            mask = np.asarray([o != oid for o in self.option_ids[k]], dtype=bool)
            held.append(ForbiddenPattern(((k, mask),), f"{PROCESS_HELD}{iid} = {oid}"))
        return dataclasses.replace(self, forbidden=(*self.forbidden, *held))

    def resolve(self, ref: PackageRef) -> tuple[IntArray, str | None]:
        """Option indices of a package reference, and the proposal id if it named one.

        Parameters
        ----------
        ref:
            A proposal id, ``{issue id: option id}`` (issues left out stay
            at their status quo), option indices ``(n_issues,)``, or
            ``None`` for the status quo package.

        Returns
        -------
        (indices, proposal id or None)

        Raises
        ------
        InputError
            Unknown proposal, issue or option id (with a did-you-mean), or a
            malformed index vector.

        Examples
        --------
        >>> from peacetable.scenarios import load_builtin
        >>> p = prepare(load_builtin())
        >>> x, pid = p.resolve("seven-points")
        >>> pid, x.shape == (p.n_issues,)
        ('seven-points', True)
        """
        if ref is None:
            return self.status_quo.copy(), None
        if isinstance(ref, str):
            ids = (*self.proposal_ids, *self.hindsight_ids)
            if ref not in ids:
                listing = ", ".join(ids) if ids else "none"
                raise InputError(
                    f"unknown proposal {ref!r}{suggest(ref, ids)}; proposals: {listing}",
                    Location(field="proposal"),
                )
            return self.encode(self.scenario.proposal(ref).package), ref
        if isinstance(ref, Mapping):
            return self.encode(ref), None
        arr = np.asarray(ref, dtype=np.int64).reshape(-1)
        if arr.shape[0] != self.n_issues:
            raise InputError(
                f"a package needs one valid option index for each of {self.n_issues} issues"
            )
        return self.as_packages(arr)[0].copy(), None

    def package(self, ref: PackageRef) -> IntArray:
        """Option indices ``(n_issues,)`` of a package reference (see :meth:`resolve`)."""
        return self.resolve(ref)[0]

    def violated(self, package: npt.ArrayLike) -> tuple[str, ...]:
        """Labels of the constraints a package (option indices) breaks."""
        x = self.as_packages(package)[0]
        return tuple(
            fp.source for fp in self.forbidden if all(bool(mask[x[i]]) for i, mask in fp.clauses)
        )

    @cached_property
    def space(self) -> AgreementSpace:
        """The agreement space (compound issues) for the exact engines; built once."""
        return AgreementSpace.from_evaluator(self)

    @cached_property
    def sampling(self) -> ParameterModel:
        """The sampling model (every estimate as a parameter); built once."""
        return ParameterModel.from_scenario(self.scenario, self)

    def __reduce__(self) -> tuple[Any, ...]:
        # pickled (e.g. for Dask workers) as the scenario: the arrays are rebuilt there
        return (_build, (self.scenario,))


def _build(scenario: Scenario) -> PreparedScenario:
    arrays = scenario_arrays(scenario)
    probe = PackageEvaluator.from_arrays(**arrays)
    nd_pkg = no_deal_package(scenario)
    x0 = None if nd_pkg is None else probe.encode(nd_pkg)
    point = _disagreement(scenario, probe, arrays, x0)
    arrays["no_deal"] = point.at(0.0)
    fields_ = PackageEvaluator.grid_fields(**arrays, no_deal_package=x0)
    return PreparedScenario(**fields_, scenario=scenario, disagreement=point)


def _disagreement(
    scenario: Scenario, probe: PackageEvaluator, arrays: dict[str, Any], x0: IntArray | None
) -> DisagreementPoint:
    """The nominal disagreement model (scalar no-deal utilities or a lottery)."""
    n = probe.n_parties
    lot = lottery_inputs(scenario)
    m = len(lot["outcome_ids"])
    if m == 0:
        parties = scenario.negotiating_party_ids
        slope = np.array(
            [scenario.party(pid).no_deal_value.monthly_change for pid in parties], dtype=float
        )
        empty = np.zeros((0, probe.n_issues), dtype=np.int64)
        return DisagreementPoint(
            x0, np.asarray(arrays["no_deal"], dtype=float), slope, empty, (),
            np.zeros((n, 0)), np.zeros(0), 0.0, np.zeros(n), np.zeros(n), np.zeros((0, n)),
        )  # fmt: skip
    outcomes = np.stack([probe.encode(pkg) for pkg in lot["outcomes"]])
    return DisagreementPoint(
        package=x0,
        base=np.zeros(n),
        slope=np.zeros(n),
        outcomes=outcomes,
        outcome_ids=lot["outcome_ids"],
        beliefs=lot["beliefs"],
        common=lot["common"],
        convergence=lot["convergence"],
        cost=lot["cost"],
        monthly=lot["monthly"],
        outcome_utilities=probe.utilities(outcomes),
    )


def prepare(scenario: Scenario | PreparedScenario) -> PreparedScenario:
    """Prepare a validated scenario for every lens (a prepared one is returned as is).

    Parameters
    ----------
    scenario:
        A validated :class:`~peacetable.model.Scenario` or a prepared scenario.

    Returns
    -------
    PreparedScenario

    Raises
    ------
    InputError
        *scenario* is neither.

    Notes
    -----
    ``O(parties × options)`` to build the tables; the agreement space and the
    sampling model are built on first use.

    Examples
    --------
    >>> from peacetable.scenarios import load_builtin
    >>> p = prepare(load_builtin())
    >>> prepare(p) is p, p.n_packages
    (True, 1166400)
    """
    if isinstance(scenario, PreparedScenario):
        return scenario
    if isinstance(scenario, Scenario):
        return _build(scenario)
    raise InputError(f"expected a Scenario or a PreparedScenario, got {type(scenario).__name__}")


def as_space(obj: Scenario | PreparedScenario | AgreementSpace) -> AgreementSpace:
    """The agreement space of a scenario, prepared scenario or space (built at most once).

    Raises
    ------
    InputError
        *obj* is none of these.
    """
    if isinstance(obj, AgreementSpace):
        return obj
    return prepare(obj).space
