"""Random small agreement spaces and brute-force references for the analysis tests."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np
import numpy.typing as npt
import pytest

from peacetable.core.space import AgreementSpace


@dataclass(frozen=True)
class RawInteraction:
    """Test stand-in for :class:`peacetable.model.evaluate.Interaction`."""

    conditions: tuple[tuple[int, int], ...]
    bonus: npt.NDArray[np.float64]


@dataclass(frozen=True)
class RawForbidden:
    """Test stand-in for :class:`peacetable.model.evaluate.ForbiddenPattern`."""

    clauses: tuple[tuple[int, npt.NDArray[np.bool_]], ...]
    source: str


@dataclass(frozen=True)
class RawSpace:
    """Plain arrays of a random scenario, evaluated independently by brute force."""

    tables: list[npt.NDArray[np.float64]]
    no_deal: npt.NDArray[np.float64]
    interactions: list[RawInteraction]
    forbidden: list[RawForbidden]

    def space(self) -> AgreementSpace:
        return AgreementSpace.from_arrays(
            self.tables, self.no_deal, interactions=self.interactions, forbidden=self.forbidden
        )

    def all_packages(self) -> npt.NDArray[np.int64]:
        sizes = [t.shape[0] for t in self.tables]
        grids = np.meshgrid(*(np.arange(s) for s in sizes), indexing="ij")
        return np.stack([g.reshape(-1) for g in grids], axis=1)

    def brute(self) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """Every feasible package and its utilities (plain loops over terms)."""
        x = self.all_packages()
        u = np.zeros((x.shape[0], self.no_deal.shape[0]))
        for i, t in enumerate(self.tables):
            u += t[x[:, i]]
        for it in self.interactions:
            hit = np.all([x[:, i] == o for i, o in it.conditions], axis=0)
            u += hit[:, None] * it.bonus[None, :]
        ok = np.ones(x.shape[0], dtype=bool)
        for fp in self.forbidden:
            ok &= ~np.all([m[x[:, i]] for i, m in fp.clauses], axis=0)
        return x[ok], u[ok]


def random_raw(
    seed: int, max_parties: int = 5, max_issues: int = 5, max_options: int = 4
) -> RawSpace:
    """A random scenario with dyadic utilities (sums are exact, ties are real)."""
    rng = np.random.default_rng(seed)
    n_parties = int(rng.integers(2, max_parties + 1))
    n_issues = int(rng.integers(1, max_issues + 1))
    sizes = rng.integers(1, max_options + 1, size=n_issues)
    # coarse grid so that ties and duplicates occur
    tables = [rng.integers(0, 5, size=(int(k), n_parties)) / 8.0 for k in sizes]
    interactions = []
    for _ in range(int(rng.integers(0, 3))):
        issues = rng.choice(n_issues, size=min(n_issues, int(rng.integers(1, 3))), replace=False)
        conds = tuple((int(i), int(rng.integers(0, sizes[i]))) for i in issues)
        interactions.append(RawInteraction(conds, rng.integers(-2, 3, size=n_parties) / 8.0))
    forbidden = []
    for k in range(int(rng.integers(0, 3))):
        issues = rng.choice(n_issues, size=min(n_issues, int(rng.integers(1, 3))), replace=False)
        clauses = tuple((int(i), rng.random(int(sizes[i])) < 0.4) for i in issues)
        forbidden.append(RawForbidden(clauses, f"c{k}"))
    expected = sum(t.max(axis=0) + t.min(axis=0) for t in tables) / 2
    no_deal = np.round(np.asarray(expected) * 8 + rng.integers(-2, 3, size=n_parties)) / 8.0
    return RawSpace(tables, no_deal, interactions, forbidden)


def brute_pareto(u: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
    """Pareto mask by the definition, O(n^2)."""
    ge = (u[None, :, :] >= u[:, None, :]).all(axis=2)
    gt = (u[None, :, :] > u[:, None, :]).any(axis=2)
    return ~(ge & gt).any(axis=1)


@pytest.fixture(scope="session")
def an() -> SimpleNamespace:
    """Helpers of this directory (test modules here are not a package)."""
    return SimpleNamespace(
        random_raw=random_raw,
        brute_pareto=brute_pareto,
        RawForbidden=RawForbidden,
        RawInteraction=RawInteraction,
    )
