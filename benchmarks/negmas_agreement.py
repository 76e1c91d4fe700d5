"""Do our negotiations end where NegMAS's do? Agreement and step, domain by domain.

For every GENIUS domain in ``../shared/data/genius-domains`` (read through
peacetable's GENIUS converter, so both sides negotiate over exactly the GENIUS
utilities), and every ordered pair of NegMAS's deterministic time-based
negotiators (``BoulwareTBNegotiator``, ``LinearTBNegotiator``,
``ConcederTBNegotiator``) and ``MiCRONegotiator`` in ``SAOMechanism`` with the
same number of steps, this runs one NegMAS negotiation and ours and reports
whether the agreed outcome and its step are the same. NegMAS's negotiators get
a utility function that maps each enumerated outcome to our exact utility
(``MappingUtilityFunction``) and our reservation values, so only the protocol
and the strategies are compared.

NegMAS is AGPL: it is only the optional ``[bench]`` peer; nothing here is copied
from it. Usage::

    python benchmarks/negmas_agreement.py [--steps 100] [--json out.json]

Every difference gets a reason (see ``explain``): ties among outcomes of equal
utility are ordered differently (NegMAS sorts with NumPy's unstable default
sort, we keep the outcome order), or MiCRO repeats a random earlier offer
(NegMAS uses Python's ``random`` on a set, we use the seeded stream).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "genius-domains"
PAIRS = ("boulware", "linear", "conceder", "micro")


def domains() -> list[Path]:
    """Every domain folder of the data set, sorted."""
    return sorted(p for p in DATA.glob("y20*/*") if p.is_dir())


def our_space(folder: Path) -> Any:
    from peacetable.io.genius import find_genius_domain, load_genius
    from peacetable.simulate.space import outcome_space

    domain, profiles = find_genius_domain([folder])
    return outcome_space(load_genius(domain, profiles))


def negmas_run(
    space: Any, a: str, b: str, n_steps: int, trace: list[Any] | None = None
) -> tuple[int, int, bool]:
    """(outcome or -1, step or -1, did a MiCRO negotiator repeat an offer) in NegMAS's SAO.

    With *trace*, ``(step, party, outcome)`` of every offer is appended to it.
    """
    from negmas import make_issue, make_os
    from negmas.preferences import MappingUtilityFunction
    from negmas.sao import SAOMechanism
    from negmas.sao.negotiators import (
        BoulwareTBNegotiator,
        ConcederTBNegotiator,
        LinearTBNegotiator,
        MiCRONegotiator,
    )

    kinds = {
        "boulware": BoulwareTBNegotiator,
        "linear": LinearTBNegotiator,
        "conceder": ConcederTBNegotiator,
        "micro": MiCRONegotiator,
    }
    os_ = make_os([make_issue(values=space.n_outcomes, name="outcome")])
    m = SAOMechanism(outcome_space=os_, n_steps=n_steps)
    for p, name in enumerate((a, b)):
        mapping = {(o,): float(space.utilities[o, p]) for o in range(space.n_outcomes)}
        ufun = MappingUtilityFunction(
            mapping, outcome_space=os_, reserved_value=float(space.no_deal[p])
        )
        m.add(kinds[name](ufun=ufun))
    m.run()
    if trace is not None:
        ids = list(m.negotiator_ids)
        trace.extend((e[2], ids.index(e[3]), int(e[4][0])) for e in m.full_trace)
    repeated = False
    for p, name in enumerate((a, b)):
        if name == "micro":
            mine = [e[4] for e in m.full_trace if e[3] == m.negotiator_ids[p]]
            repeated |= len(set(mine)) < len(mine)
    if m.agreement is None:
        return -1, -1, repeated
    return int(m.agreement[0]), int(m.full_trace[-1][2]), repeated


def tie_free(space: Any) -> Any:
    """The space with every tie broken by outcome index (lower index slightly better)."""
    from peacetable.simulate.space import OutcomeSpace

    u = space.utilities.copy()
    for p in range(u.shape[1]):
        order = np.lexsort((np.arange(u.shape[0]), -u[:, p]))
        col = u[order, p]
        group_start = np.concatenate([[True], col[1:] != col[:-1]])
        first = np.maximum.accumulate(np.where(group_start, np.arange(col.size), 0))
        u[order, p] = col - (np.arange(col.size) - first) * 1e-12
    return OutcomeSpace.from_arrays(u, space.no_deal, space.packages, name=space.name)


def ours_run(space: Any, a: str, b: str, n_steps: int) -> tuple[int, int]:
    from peacetable.simulate.sao import run_sao
    from peacetable.simulate.strategies import parse_strategy

    out = run_sao(space, [parse_strategy(a), parse_strategy(b)], n_steps).row(0)
    return out[0], out[1]


def below_level(space: Any, a: str, b: str, n_steps: int) -> bool:
    """Did a NegMAS time-based negotiator offer an outcome below its aspiration level?"""
    from peacetable.simulate.reference import make_agent
    from peacetable.simulate.strategies import parse_strategy, relative_time

    trace: list[Any] = []
    negmas_run(space, a, b, n_steps, trace)
    names = (a, b)
    for step, p, o in trace:
        if names[p] == "micro":
            continue
        agent = make_agent(space, p, float(space.no_deal[p]), parse_strategy(names[p]), 0, 0)
        if space.utilities[o, p] < agent.level(relative_time(step, n_steps)):  # type: ignore[attr-defined]
            return True
    return False


def explain(
    space: Any, a: str, b: str, n_steps: int, ours: tuple[int, int], theirs: tuple[int, int, bool]
) -> str:
    """Why two runs differ: checked by a counterfactual run, not guessed."""
    if ours == theirs[:2]:
        return ""
    if theirs[2]:
        return "MiCRO repeated a random earlier offer (NegMAS: Python's random on a set; ours: seeded stream)"
    if all(np.unique(space.utilities[:, p]).size == space.n_outcomes for p in range(2)):
        return "UNEXPLAINED"
    free = tie_free(space)
    again_ours = ours_run(free, a, b, n_steps)
    again_theirs = negmas_run(free, a, b, n_steps)
    if again_ours != again_theirs[:2] and below_level(free, a, b, n_steps):
        return (
            "NegMAS's inverter offered an outcome up to 1e-6 below the aspiration level because "
            "it was nearer to the level than the worst outcome above it (its nearest-around "
            "clamping); we offer only at or above the level"
        )
    if again_ours == again_theirs[:2]:
        return (
            "ties: equal-utility outcomes are ordered differently (NegMAS: NumPy's unstable "
            "default sort; ours: outcome index); with ties broken by index on both sides "
            f"both reach {list(again_ours)}"
        )
    return f"UNEXPLAINED (tie-free: ours {list(again_ours)}, negmas {list(again_theirs[:2])})"


def compare(n_steps: int) -> list[dict[str, Any]]:
    """One row per domain and ordered strategy pair."""
    rows = []
    for folder in domains():
        space = our_space(folder)
        for a in PAIRS:
            for b in PAIRS:
                ours = ours_run(space, a, b, n_steps)
                theirs = negmas_run(space, a, b, n_steps)
                rows.append(
                    {
                        "domain": f"{folder.parent.name}/{folder.name}",
                        "outcomes": space.n_outcomes,
                        "pair": f"{a}-{b}",
                        "ours": list(ours),
                        "negmas": list(theirs[:2]),
                        "match": ours == theirs[:2],
                        "reason": explain(space, a, b, n_steps, ours, theirs),
                    }
                )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--json", type=Path, default=None, help="write the rows as JSON")
    args = parser.parse_args()
    try:
        import negmas  # noqa: F401
    except ImportError:
        sys.exit("NegMAS is not installed: pip install 'peacetable[bench]'")
    if not DATA.is_dir():
        sys.exit(f"data not found: {DATA}")
    t0 = time.perf_counter()
    rows = compare(args.steps)
    for r in rows:
        mark = "same" if r["match"] else f"DIFF ({r['reason']})"
        print(
            f"{r['domain']:28} {r['outcomes']:6} {r['pair']:18} ours {r['ours']} negmas {r['negmas']} {mark}"
        )
    same = sum(r["match"] for r in rows)
    print(
        f"{same}/{len(rows)} identical (outcome and step), {args.steps} steps, {time.perf_counter() - t0:.0f} s"
    )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
