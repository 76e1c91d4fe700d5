"""The core every lens and surface shares: prepare → session → lenses → results.

* :func:`prepare` turns a validated scenario into a :class:`PreparedScenario`
  once: arrays on an exact grid, one package resolver, the one acceptance rule
  (``utility >= no-deal``, ties within the grid's rounding count as equal),
  and, lazily, the agreement space and the sampling model.
* The lens registry (:mod:`peacetable.core.registry`) lists every lens with
  its settings block, command-line module and report section.
* A :class:`Session` runs each lens at most once per :class:`Settings` and
  caches its result; ``analyze``, the CLI, the report and the web app read
  from it.
* Every result is a frozen :class:`Result` with a :class:`Provenance`
  (method, exact, bound, seed, samples, seconds, version), serialised by
  :func:`to_plain`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from peacetable.core.evaluator import (
        ForbiddenPattern,
        Interaction,
        PackageEvaluator,
        accepts,
    )
    from peacetable.core.prepared import PackageRef, PreparedScenario, as_space, prepare
    from peacetable.core.registry import Lens, get_lens
    from peacetable.core.results import NotApplicable, Provenance, Result
    from peacetable.core.serialize import dumps, to_plain
    from peacetable.core.session import Session
    from peacetable.core.settings import Settings
    from peacetable.core.space import AgreementSpace, IssueGroup

#: Where each exported name lives; modules are imported on first use, so that
#: ``peacetable.core.registry`` (read by the command line at start-up) stays light.
_EXPORTS: dict[str, str] = {
    "AgreementSpace": "space",
    "ForbiddenPattern": "evaluator",
    "Interaction": "evaluator",
    "IssueGroup": "space",
    "Lens": "registry",
    "NotApplicable": "results",
    "PackageEvaluator": "evaluator",
    "PackageRef": "prepared",
    "PreparedScenario": "prepared",
    "Provenance": "results",
    "Result": "results",
    "Session": "session",
    "Settings": "settings",
    "accepts": "evaluator",
    "as_space": "prepared",
    "dumps": "serialize",
    "get_lens": "registry",
    "prepare": "prepared",
    "to_plain": "serialize",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'peacetable.core' has no attribute {name!r}")
    return getattr(importlib.import_module(f"peacetable.core.{module}"), name)


__all__ = [
    "AgreementSpace",
    "ForbiddenPattern",
    "Interaction",
    "IssueGroup",
    "Lens",
    "NotApplicable",
    "PackageEvaluator",
    "PackageRef",
    "PreparedScenario",
    "Provenance",
    "Result",
    "Session",
    "Settings",
    "accepts",
    "as_space",
    "dumps",
    "get_lens",
    "prepare",
    "to_plain",
]
