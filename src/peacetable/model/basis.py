"""What the numbers of a scenario rest on, and the blocks that say how to read it.

Three checks, called once from :func:`peacetable.model.validate.find_problems`:

* **No number rests on an opinion alone.** Every model object that carries a
  number and a basis (an :class:`~peacetable.model.base.Estimate`, a party's
  no-deal utility, a preference block, an interaction, the disagreement
  model's outcomes and costs, a step of an implementation plan, …: every
  object with ``source`` and ``assumption`` fields) may cite a passage
  flagged ``opinion: true`` only next to a stated ``assumption`` — the
  opinion is then context, the assumption is the basis.
* **Hindsight stays apart.** No number may cite a source that a
  ``hindsight: true`` proposal cites: a later proposal is compared with, never
  used to set a number.
* **The process block** names existing issues, and its package (or the first
  proposal on the table, its default) gives one valid option of each.

References
----------
.. [1] Raiffa, H., Richardson, J. & Metcalfe, D. (2002). *Negotiation Analysis*,
   ch. 3 (separating facts, judgements and values in a decision model).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from pydantic import BaseModel

from peacetable.model.problems import Path, Problem, check_choices, unknown
from peacetable.model.scenario import Scenario

__all__ = ["check_basis", "numbers_with_basis"]


def numbers_with_basis(scenario: Scenario) -> Iterator[tuple[Path, Any]]:
    """Every model object with a ``source`` and an ``assumption`` (a number and its basis),
    with its field path, in file order.

    Examples
    --------
    >>> from peacetable.scenarios import load_builtin
    >>> paths = [path for path, _ in numbers_with_basis(load_builtin())]
    >>> ("parties", 0, "power") in paths
    True
    """
    yield from _walk(scenario, ())


def _walk(obj: Any, path: Path) -> Iterator[tuple[Path, Any]]:
    if isinstance(obj, BaseModel):
        fields = type(obj).model_fields
        if "source" in fields and "assumption" in fields:
            yield path, obj
        for name in fields:
            key = "if" if name == "if_" else name
            if name in ("sources", "proposals"):  # quotations and packages, not numbers
                continue
            yield from _walk(getattr(obj, name), (*path, key))
    elif isinstance(obj, dict):
        for key, value in obj.items():
            yield from _walk(value, (*path, str(key)))
    elif isinstance(obj, tuple):
        for k, value in enumerate(obj):
            yield from _walk(value, (*path, k))


def check_basis(scenario: Scenario, add: Callable[[Problem], None]) -> None:
    """Add a problem for every number resting on an opinion or a hindsight source, and for
    a malformed process block (see the module notes)."""
    opinions = {
        f"{s.id}#{key}" for s in scenario.sources for key, p in s.passages.items() if p.opinion
    }
    hindsight = {
        (p.source or "").partition("#")[0]
        for p in scenario.proposals
        if p.hindsight and p.source is not None
    }
    for path, obj in numbers_with_basis(scenario):
        ref = obj.source
        if ref is None:
            continue
        if ref in opinions and not obj.assumption:
            add(
                Problem(
                    (*path, "source"),
                    f"this number rests only on {ref}, a passage flagged as opinion; "
                    "state the assumption it rests on (the opinion may stay as context) "
                    "or cite a factual passage",
                )
            )
        if ref.partition("#")[0] in hindsight:
            add(
                Problem(
                    (*path, "source"),
                    f"this number cites {ref}, the source of a hindsight proposal; a later "
                    "proposal is compared with, never used to set a number",
                )
            )
    _check_process(scenario, add)


def _check_process(scenario: Scenario, add: Callable[[Problem], None]) -> None:
    process = scenario.process
    if process is None:
        return
    issues = {i.id: i for i in scenario.issues}
    base: Path = ("process",)
    for k, iid in enumerate(process.issues):
        if iid not in issues:
            add(Problem((*base, "issues", k), unknown("issue", iid, issues)))
    if process.package is not None:
        check_choices(process.package, (*base, "package"), issues, add)
        for iid in process.package:
            if iid in issues and iid not in process.issues:
                add(
                    Problem(
                        (*base, "package", iid),
                        f"issue {iid!r} is not one of the process issues "
                        f"({', '.join(process.issues)})",
                    )
                )
        missing = [i for i in process.issues if i in issues and i not in process.package]
        if missing:
            add(
                Problem(
                    (*base, "package"),
                    f"no agreed option for process issue(s) {', '.join(missing)}",
                )
            )
    elif process.first and not scenario.tabled_proposals:
        add(
            Problem(
                (*base, "package"),
                "the process is agreed first but there is no proposal on the table to take "
                "its options from; give process.package",
            )
        )
