"""A package described as changes of a reference package (shared by the amendment searches)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from peacetable.core.arrays import FloatArray, IntArray
from peacetable.core.evaluator import PackageEvaluator
from peacetable.core.serialize import generic_to_dict


@dataclass(frozen=True)
class PackageChange:
    """A package reached from a reference package by changing some provisions.

    Attributes
    ----------
    package:
        The full package ``{issue id: option id}``.
    changes:
        ``{issue id: (from option, to option)}`` of the changed provisions.
    utilities, gains:
        Per party: utility of the package and its change against the reference.
    """

    package: dict[str, str]
    changes: dict[str, tuple[str, str]]
    utilities: dict[str, float]
    gains: dict[str, float]

    plain_properties = ("joint_gain",)
    to_dict = generic_to_dict

    @property
    def joint_gain(self) -> float:
        """Sum of the gains over the parties."""
        return float(sum(self.gains.values()))

    def describe(self) -> str:
        """The changes in words: ``issue: from → to; …`` (``no change`` when none).

        Examples
        --------
        >>> PackageChange({"x": "b"}, {"x": ("a", "b")}, {"P": 1.0}, {"P": 0.5}).describe()
        'x: a → b'
        """
        if not self.changes:
            return "no change"
        return "; ".join(f"{i}: {a} → {b}" for i, (a, b) in self.changes.items())


def make_change(
    ev: PackageEvaluator, base: IntArray, package: IntArray, u_base: FloatArray
) -> PackageChange:
    """Describe *package* as a change of *base* (utilities recomputed exactly)."""
    u = ev.utilities(package)[0]
    changed = np.flatnonzero(package != base)
    return PackageChange(
        package=ev.package_dict(package),
        changes={
            ev.issue_ids[i]: (ev.option_ids[i][int(base[i])], ev.option_ids[i][int(package[i])])
            for i in changed.tolist()
        },
        utilities={p: float(v) for p, v in zip(ev.party_ids, u, strict=True)},
        gains={p: float(v) for p, v in zip(ev.party_ids, u - u_base, strict=True)},
    )
