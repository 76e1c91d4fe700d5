"""The agreement-space and uncertainty lenses, registered with the core.

Each lens is a :class:`~peacetable.core.Lens`: the question it answers, its
settings block (a frozen dataclass whose fields named like the shared
:class:`~peacetable.core.Settings` take the shared value) and a ``run``
function calling the engine's public function on the prepared scenario. The
registry (:data:`peacetable.core.registry.LENSES`) lists them; a
:class:`~peacetable.core.Session` runs them.

Every lens that can run long takes the shared ``time_limit`` (seconds) and
``memory_limit`` (bytes) and reports its progress through the session; a
lens of the agreement space refuses a scenario whose constraints leave no
agreement (:func:`~peacetable.analysis._budget.require_agreements`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from peacetable.analysis._budget import require_agreements
from peacetable.analysis.acceptance import ProposalEvaluations, evaluate_proposals
from peacetable.analysis.contingent import ContingentResult, contingent_terms
from peacetable.analysis.diagnostics import ProposalDiagnosis, diagnose_proposal
from peacetable.analysis.frontier import FrontierResult, pareto_frontier
from peacetable.analysis.linkage import LinkageResult, issue_linkage
from peacetable.analysis.negotiating_text import (
    PostSettlementResult,
    SingleTextResult,
    post_settlement,
    single_negotiating_text,
)
from peacetable.analysis.ripeness import RipenessResult, ripeness
from peacetable.analysis.robust_search import RobustPackageResult, robust_package
from peacetable.analysis.robustness import AcceptabilityResult, acceptability
from peacetable.analysis.solutions import BargainingSolutions, Solution, solve_all
from peacetable.analysis.zopa import ZopaResult, zopa
from peacetable.core import Lens, NotApplicable, PackageRef, PreparedScenario, Provenance, Session
from peacetable.core.settings import (
    DEFAULT_HORIZON,
    DEFAULT_MAX_CHANGES,
    DEFAULT_MEMORY_LIMIT,
    DEFAULT_RIPENESS_SAMPLES,
    DEFAULT_SAMPLES,
    DEFAULT_SEED,
    DEFAULT_TIME_LIMIT,
)
from peacetable.errors import AnalysisError, InputError, Location

Package = tuple[tuple[str, str], ...]
"""A package in lens settings: sorted ``(issue, option)`` pairs (hashable, so a session
caches by it); issues left out stay at their status quo."""


def package_pairs(
    value: Package | Mapping[str, str] | None, name: str = "package"
) -> Package | None:
    """A package setting as sorted ``(issue, option)`` pairs (``None`` stays ``None``).

    Parameters
    ----------
    value:
        ``{issue: option}`` or ``(issue, option)`` pairs.
    name:
        The setting's name, for the error location.

    Raises
    ------
    InputError
        Not a mapping or pairs of strings, or an issue named twice.

    Examples
    --------
    >>> package_pairs({"venue": "neutral", "crimea": "russia"})
    (('crimea', 'russia'), ('venue', 'neutral'))
    """
    if value is None:
        return None
    try:
        pairs = list(value.items() if isinstance(value, Mapping) else value)
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in pairs):
            raise TypeError
    except (TypeError, ValueError):
        raise InputError(
            f"{name} must map issue ids to option ids, got {value!r}", Location(field=name)
        ) from None
    if len({k for k, _ in pairs}) != len(pairs):
        raise InputError(f"{name} names an issue twice", Location(field=name))
    return tuple(sorted(pairs))


def _one_package(
    proposal: str | None, package: Package | Mapping[str, str] | None, name: str
) -> PackageRef:
    """The package a lens looks at: a proposal id or a package (not both); ``None``: status quo."""
    if proposal is not None and package is not None:
        raise InputError(
            f"give either a proposal or a package, not both (got {name}={proposal!r} and a package)",
            Location(field="package"),
        )
    if package is None:
        return proposal
    return dict(package.items() if isinstance(package, Mapping) else package)


# ------------------------------------------------------------------ acceptance


@dataclass(frozen=True)
class AcceptanceSettings:
    """Settings of the ``acceptance`` lens."""

    proposals: tuple[str, ...] | None = None
    top: int = 3


def _acceptance(p: PreparedScenario, s: AcceptanceSettings, _: Session) -> ProposalEvaluations:
    evaluations = tuple(evaluate_proposals(p, s.proposals, top=s.top))
    return ProposalEvaluations(evaluations, provenance=Provenance("acceptance (exact grid)"))


ACCEPTANCE = Lens("acceptance", "Would each proposal be accepted?", AcceptanceSettings, _acceptance)


# ------------------------------------------------------------------ diagnosis


@dataclass(frozen=True)
class DiagnosisSettings:
    """Settings of the ``diagnosis`` lens: one package, by ``proposal`` id or as ``package``
    (``{issue: option}``, stored as sorted pairs; issues left out at their status quo);
    neither: the status quo."""

    proposal: str | None = None
    package: Package | Mapping[str, str] | None = None
    max_changes: int = DEFAULT_MAX_CHANGES
    limit: int = 5
    trade_process: bool = False
    time_limit: float | None = DEFAULT_TIME_LIMIT
    memory_limit: int = DEFAULT_MEMORY_LIMIT

    def __post_init__(self) -> None:
        object.__setattr__(self, "package", package_pairs(self.package))
        _one_package(self.proposal, self.package, "proposal")


def _diagnosis(p: PreparedScenario, s: DiagnosisSettings, session: Session) -> ProposalDiagnosis:
    return diagnose_proposal(
        p.settled(s.trade_process),
        _one_package(s.proposal, s.package, "proposal"),
        max_changes=s.max_changes,
        limit=s.limit,
        time_limit=s.time_limit,
        memory_limit=s.memory_limit,
        progress=session.task_progress("diagnosis"),
    )


DIAGNOSIS = Lens(
    "diagnosis", "Is it efficient, and what would it take?", DiagnosisSettings, _diagnosis
)


# ------------------------------------------------------------------ agreement space


@dataclass(frozen=True)
class FrontierSettings:
    """Settings of the ``frontier`` lens."""

    acceptable_only: bool = False
    trade_process: bool = False
    time_limit: float | None = DEFAULT_TIME_LIMIT
    memory_limit: int = DEFAULT_MEMORY_LIMIT


def _frontier(p: PreparedScenario, s: FrontierSettings, session: Session) -> FrontierResult:
    settled = p.settled(s.trade_process)
    require_agreements(settled.space)
    return pareto_frontier(
        settled,
        acceptable_only=s.acceptable_only,
        time_limit=s.time_limit,
        memory_limit=s.memory_limit,
        progress=session.task_progress("frontier"),
    )


FRONTIER = Lens("frontier", "Which packages are efficient?", FrontierSettings, _frontier)


@dataclass(frozen=True)
class SolutionsSettings:
    """Settings of the ``solutions`` lens (``method``: auto, frontier or milp)."""

    method: str = "auto"
    trade_process: bool = False
    time_limit: float | None = DEFAULT_TIME_LIMIT
    memory_limit: int = DEFAULT_MEMORY_LIMIT


def _solutions(p: PreparedScenario, s: SolutionsSettings, session: Session) -> BargainingSolutions:
    settled = p.settled(s.trade_process)
    require_agreements(settled.space)
    found = solve_all(
        settled,
        method=s.method,
        time_limit=s.time_limit,
        memory_limit=s.memory_limit,
        progress=session.task_progress("solutions"),
    )
    methods = sorted({sol.method for sol in found.values()})
    loose = [name for name, sol in found.items() if not sol.exact]
    return BargainingSolutions(
        found,
        provenance=Provenance(
            "bargaining solutions over the exact frontier or by MILP: " + ", ".join(methods),
            exact=not loose,
            bound=None
            if not loose
            else f"approximate: {', '.join(loose)} (each solution's provenance says how far off)",
        ),
    )


SOLUTIONS = Lens("solutions", "Which fair packages are there?", SolutionsSettings, _solutions)


@dataclass(frozen=True)
class ZopaSettings:
    """Settings of the ``zopa`` lens (``count_samples``: Monte Carlo draws, only when
    the count cannot be exact)."""

    seed: int = DEFAULT_SEED
    count_samples: int = 1_000_000
    trade_process: bool = False
    time_limit: float | None = DEFAULT_TIME_LIMIT
    memory_limit: int = DEFAULT_MEMORY_LIMIT


def _zopa(p: PreparedScenario, s: ZopaSettings, session: Session) -> ZopaResult:
    settled = p.settled(s.trade_process)
    require_agreements(settled.space)
    return zopa(
        settled,
        samples=s.count_samples,
        seed=s.seed,
        time_limit=s.time_limit,
        memory_limit=s.memory_limit,
        progress=session.task_progress("zopa"),
    )


ZOPA = Lens("zopa", "Is there a zone of possible agreement?", ZopaSettings, _zopa)


# ------------------------------------------------------------------ improve


@dataclass(frozen=True)
class LinkageSettings:
    """Settings of the ``linkage`` lens (``reference``: a proposal id, ``None``: status quo)."""

    reference: str | None = None
    parties: tuple[str, ...] | None = None
    limit: int = 10
    trade_process: bool = False


def _linkage(p: PreparedScenario, s: LinkageSettings, _: Session) -> LinkageResult:
    return issue_linkage(p.settled(s.trade_process), s.reference, parties=s.parties, limit=s.limit)


LINKAGE = Lens("linkage", "Which trades do both sides gain from?", LinkageSettings, _linkage)


@dataclass(frozen=True)
class SingleTextSettings:
    """Settings of the ``single_text`` lens."""

    start: str | None = None
    rule: str = "unanimous"
    max_steps: int = 1000
    trade_process: bool = False
    time_limit: float | None = DEFAULT_TIME_LIMIT
    memory_limit: int = DEFAULT_MEMORY_LIMIT


def _single_text(p: PreparedScenario, s: SingleTextSettings, _: Session) -> SingleTextResult:
    return single_negotiating_text(
        p.settled(s.trade_process),
        s.start,
        rule=s.rule,  # type: ignore[arg-type]
        max_steps=s.max_steps,
        time_limit=s.time_limit,
        memory_limit=s.memory_limit,
    )


SINGLE_TEXT = Lens(
    "single_text",
    "Where does amending a single text one provision at a time lead?",
    SingleTextSettings,
    _single_text,
)


@dataclass(frozen=True)
class PostSettlementSettings:
    """Settings of the ``post_settlement`` lens: the agreed package, by proposal id
    (``agreed``) or as ``package`` (``{issue: option}``, stored as sorted pairs);
    neither: the status quo."""

    agreed: str | None = None
    package: Package | Mapping[str, str] | None = None
    trade_process: bool = False
    time_limit: float | None = DEFAULT_TIME_LIMIT
    memory_limit: int = DEFAULT_MEMORY_LIMIT

    def __post_init__(self) -> None:
        object.__setattr__(self, "package", package_pairs(self.package))
        _one_package(self.agreed, self.package, "agreed")


def _post_settlement(
    p: PreparedScenario, s: PostSettlementSettings, _: Session
) -> PostSettlementResult:
    return post_settlement(
        p.settled(s.trade_process),
        _one_package(s.agreed, s.package, "agreed"),
        time_limit=s.time_limit,
        memory_limit=s.memory_limit,
    )


POST_SETTLEMENT = Lens(
    "post_settlement",
    "Can an agreed package be improved for everyone?",
    PostSettlementSettings,
    _post_settlement,
)


# ------------------------------------------------------------------ uncertainty


@dataclass(frozen=True)
class RobustnessSettings:
    """Settings of the ``robustness`` lens.

    The packages are the proposals in focus (all by default), when the
    agreement-space lens answers the bargaining solutions, and ``package``
    (``{issue: option}``, stored as sorted pairs; issues left out at their
    status quo) under the name ``package_name``, e.g. a draft that is no
    proposal of the scenario; sensitivity is computed for the proposals and
    ``package``.
    """

    samples: int = DEFAULT_SAMPLES
    seed: int = DEFAULT_SEED
    proposals: tuple[str, ...] | None = None
    include_solutions: bool = True
    chunk_size: int = 16_384
    workers: int = 1
    confidence: float = 0.95
    package: Package | Mapping[str, str] | None = None
    package_name: str = "package"
    time_limit: float | None = DEFAULT_TIME_LIMIT
    memory_limit: int = DEFAULT_MEMORY_LIMIT

    def __post_init__(self) -> None:
        object.__setattr__(self, "package", package_pairs(self.package))


def solution_packages(session: Session) -> dict[str, dict[str, str]]:
    """The bargaining solutions that have a package, by name (from the session)."""
    found = session.result("solutions")
    if isinstance(found, NotApplicable) or not isinstance(found, BargainingSolutions):
        return {}
    out: dict[str, dict[str, str]] = {}
    for name, sol in found.items():
        if isinstance(sol, Solution) and sol.package is not None:
            out[name] = dict(sol.package)
    return out


def _robustness(
    p: PreparedScenario, s: RobustnessSettings, session: Session
) -> AcceptabilityResult:
    ids = p.proposal_ids if s.proposals is None else tuple(s.proposals)
    packages: dict[str, dict[str, str]] = {}
    kinds: dict[str, str] = {}
    for pid in ids:
        packages[pid] = p.package_dict(p.package(pid))
        kinds[pid] = "proposal"
    if s.include_solutions:
        for name, pkg in solution_packages(session).items():
            packages[name] = pkg
            kinds[name] = "solution"
    if s.package is not None:
        if s.package_name in packages:
            raise InputError(
                f"package_name {s.package_name!r} names a proposal or a bargaining solution "
                "already tested; choose another name",
                Location(field="package_name"),
            )
        packages[s.package_name] = p.package_dict(p.package(dict(s.package)))
        kinds[s.package_name] = "package"
        ids = (*ids, s.package_name)
    if not packages:
        found = session.result("solutions") if s.include_solutions else None
        why = (
            f" ({found.reason})"
            if isinstance(found, NotApplicable)
            else " (not asked for)"
            if found is None
            else ""
        )
        raise AnalysisError(
            "nothing to test for robustness: the scenario has no proposals and no bargaining "
            f"solution{why}"
        )
    return acceptability(
        p,
        packages,
        kinds=kinds,
        include_proposals=False,
        n_samples=s.samples,
        seed=s.seed,
        chunk_size=s.chunk_size,
        client=session.client,
        workers=s.workers,
        sensitivity_for=ids,
        confidence=s.confidence,
        progress=session.task_progress("robustness"),
        time_limit=s.time_limit,
        memory_limit=s.memory_limit,
    )


ROBUSTNESS = Lens(
    "robustness",
    "How sure are we, given that every number is an estimate?",
    RobustnessSettings,
    _robustness,
)


@dataclass(frozen=True)
class RobustPackageSettings:
    """Settings of the ``robust_package`` lens."""

    samples: int = DEFAULT_SAMPLES
    seed: int = DEFAULT_SEED
    top: int = 5
    trade_process: bool = False
    time_limit: float | None = DEFAULT_TIME_LIMIT
    memory_limit: int = DEFAULT_MEMORY_LIMIT


def _robust_package(
    p: PreparedScenario, s: RobustPackageSettings, session: Session
) -> RobustPackageResult:
    settled = p.settled(s.trade_process)
    require_agreements(settled.space)
    return robust_package(
        settled,
        n_samples=s.samples,
        seed=s.seed,
        top=s.top,
        progress=session.task_progress("robust_package"),
        time_limit=s.time_limit,
        memory_limit=s.memory_limit,
    )


ROBUST_PACKAGE = Lens(
    "robust_package",
    "Which package is accepted by all in the most plausible worlds?",
    RobustPackageSettings,
    _robust_package,
)


@dataclass(frozen=True)
class ContingentSettings:
    """Settings of the ``contingent`` lens (``proposal``: the context package)."""

    proposal: str | None = None


def _contingent(p: PreparedScenario, s: ContingentSettings, _: Session) -> ContingentResult:
    return contingent_terms(p, s.proposal)


CONTINGENT = Lens(
    "contingent",
    "What are contingent terms worth to each party?",
    ContingentSettings,
    _contingent,
)


@dataclass(frozen=True)
class RipenessSettings:
    """Settings of the ``ripeness`` lens: the package followed month by month, by
    ``proposal`` id or as ``package`` (``{issue: option}``, stored as sorted pairs;
    issues left out at their status quo); neither: the first proposal, if any."""

    horizon: int = DEFAULT_HORIZON
    ripeness_samples: int = DEFAULT_RIPENESS_SAMPLES
    seed: int = DEFAULT_SEED
    proposal: str | None = None
    package: Package | Mapping[str, str] | None = None
    hurt_threshold: float = 0.0
    confidence: float = 0.95
    trade_process: bool = False
    time_limit: float | None = DEFAULT_TIME_LIMIT
    memory_limit: int = DEFAULT_MEMORY_LIMIT

    def __post_init__(self) -> None:
        object.__setattr__(self, "package", package_pairs(self.package))
        _one_package(self.proposal, self.package, "proposal")


def _ripeness(p: PreparedScenario, s: RipenessSettings, session: Session) -> RipenessResult:
    followed: str | dict[str, str] | None = s.proposal
    if s.package is not None:
        followed = p.package_dict(p.package(dict(s.package)))
    return ripeness(
        p.settled(s.trade_process),
        horizon=s.horizon,
        proposal=followed,
        n_samples=s.ripeness_samples,
        seed=s.seed,
        hurt_threshold=s.hurt_threshold,
        confidence=s.confidence,
        progress=session.task_progress("ripeness"),
        time_limit=s.time_limit,
        memory_limit=s.memory_limit,
    )


RIPENESS = Lens("ripeness", "When does a deal become possible?", RipenessSettings, _ripeness)
