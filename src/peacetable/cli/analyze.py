"""``peacetable analyze``: the mediator's questions, answered for each proposal.

Output is organised by question (would it be accepted? is it efficient? …),
not by engine; the answers come from :func:`peacetable.analyze.analyze`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from peacetable.cli._common import (
    TradeProcessOpt,
    approximation_note,
    console,
    emit_json,
    handle_errors,
    load_scenario_arg,
    progress_reporter,
    time_limit_setting,
)
from peacetable.defaults import (
    DEFAULT_ANALYZE_TIME_LIMIT,
    DEFAULT_HORIZON,
    DEFAULT_SAMPLES,
    DEFAULT_SEED,
)

if TYPE_CHECKING:
    from typing_extensions import TypeIs

    from peacetable.analyze import Analysis
    from peacetable.core import NotApplicable


def _question(title: str, answer: str | None = None) -> None:
    console.rule(f"[bold]{title}")
    if answer:
        console.print(answer)


def _not_applicable(result: Any) -> TypeIs[NotApplicable]:
    """Print "not applicable: <reason>" (once per reason and section) and say whether it was."""
    from peacetable.core import NotApplicable

    if isinstance(result, NotApplicable):
        if result.reason not in _SHOWN:
            console.print(f"[dim]not applicable: {escape(result.reason)}[/]", highlight=False)
            _SHOWN.add(result.reason)
        return True
    return False


_SHOWN: set[str] = set()


def _label(result: Any) -> None:
    """Say how far off an approximate answer may be (exact answers say nothing)."""
    note = approximation_note(result)
    if note:
        console.print(f"  [yellow]{escape(note)}[/]", highlight=False)


def _no_proposals(a: Analysis) -> bool:
    """Print, for a per-proposal question, that the scenario has none."""
    from peacetable.analysis.acceptance import NO_PROPOSALS

    if a.proposals:
        return False
    text = NO_PROPOSALS if NO_PROPOSALS not in _SHOWN else "the scenario has no proposals"
    console.print(f"[dim]not applicable: {text}[/]", highlight=False)
    _SHOWN.add(NO_PROPOSALS)
    return True


def _acceptance(a: Analysis) -> None:
    _question(
        "Would each proposal be accepted?",
        "A party accepts when the package is worth at least its no-deal utility (its BATNA); "
        "utilities are on a 0–1 scale.",
    )
    _no_proposals(a)
    for ev in a.proposals:
        table = Table(title=f"{ev.name} [dim]({ev.proposal})[/]", title_justify="left")
        for col in ("party", "utility", "no deal", "margin", "verdict"):
            table.add_column(col, justify="left" if col in ("party", "verdict") else "right")
        for v in ev.parties:
            table.add_row(
                v.party,
                f"{v.utility:.3f}",
                f"{v.no_deal:.3f}",
                f"{v.margin:+.3f}",
                "[green]accepts[/]" if v.accepts else "[red]rejects[/]",
            )
        console.print(table)
        for v in ev.parties:
            if v.costliest:
                costs = "; ".join(
                    f"{c.issue}={c.option} (−{c.loss:.3f} vs {c.best_option})" for c in v.costliest
                )
                console.print(f"  {v.party} loses most on: {costs}")
        colour = "yellow" if ev.no_deal else "green" if ev.accepted_by_all else "red"
        console.print(f"  verdict: [{colour}]{ev.verdict}[/]\n")
    for ev in a.hindsight:
        margins = ", ".join(f"{v.party} {v.margin:+.3f}" for v in ev.parties)
        console.print(
            Text(f"  hindsight, for comparison only — {ev.name} ({ev.proposal}): ")
            + Text(ev.verdict)
            + Text(f"; margins {margins}", style="dim")
        )


def _diagnoses(a: Analysis) -> None:
    _question("Is it efficient, and what would it take?")
    if _no_proposals(a):
        return
    for ev in a.proposals:
        d = a.diagnoses[ev.proposal]
        console.print(f"[bold]{ev.proposal}[/]")
        if _not_applicable(d):
            continue
        s = d.summary()
        console.print(
            "  Pareto-efficient: "
            + (
                "[yellow]no[/] — " + escape(s["improvement"])
                if s["efficient"] is False
                else escape(s["efficiency"])
            )
        )
        _label(d)
        if s["rejecting"]:
            console.print(f"  acceptable to all: {s['acceptable_to_all']}")
            for party, statement in s["to_win_over"].items():
                console.print(f"  to win over {party}: {statement}")
            for party, issues in s["deal_breakers"].items():
                if issues:
                    console.print(f"  deal-breakers for {party}: {', '.join(issues)}")


def _space(a: Analysis) -> None:
    _question("Is there a zone of possible agreement, and which fair packages are there?")
    z = a.zopa
    if not _not_applicable(z):
        if z.exists is None:
            console.print("Undecided: no package acceptable to every party was found in time.")
        elif z.exists:
            count = (
                f"{z.count:,}" if z.count_is_exact else f"about {z.count:,} (estimate, CI {z.ci})"
            )
            console.print(f"Yes: {count} packages are acceptable to every party ({z.method}).")
            _label(z)
        else:
            console.print(
                f"No: none of the {z.n_feasible:,} feasible packages is acceptable to every party "
                "at today's no-deal utilities (exact)."
            )
    sols = a.solutions
    if _not_applicable(sols):
        return
    cs = a.prepared
    table = Table(title="Bargaining solutions (gains over no deal)", title_justify="left")
    table.add_column("solution")
    for pid in cs.party_ids:
        table.add_column(pid, justify="right")
    for name, sol in sols.items():
        gains = (
            ("–" for _ in cs.party_ids) if sol.gains is None else (f"{g:+.3f}" for g in sol.gains)
        )
        table.add_row(name, *gains)
    console.print(table)
    for name, sol in sols.items():
        if sol.package is None:
            console.print(Text(f"  {name}: none — {sol.note}"))
            continue
        head = f"  {name}" + (f" ({sol.label})" if sol.rejected_by else "")
        console.print(Text(f"{head}: {_changes_from(a, _first_tabled(a), sol.package)}"))
        note = approximation_note(sol)
        if note:
            console.print(Text(f"    {note}", style="yellow"))


def _first_tabled(a: Analysis) -> str | None:
    ids = a.prepared.proposal_ids
    return ids[0] if ids else None


def _robustness(a: Analysis) -> None:
    r = a.robustness
    _question("How sure are we?", "Every estimate is sampled within its stated range (SMAA).")
    if not _not_applicable(r):
        names = [ev.proposal for ev in a.proposals]
        if not a.proposals:
            console.print("  No proposals: how sure the fair packages are.")
            names = [entry.name for entry in r.packages]
        for name in names:
            console.print("  " + escape(a.robustness_headline(name)), highlight=False)
        if r.n_samples < a.settings.samples:
            console.print(f"  [yellow]{escape(r.provenance.bound or '')}[/]", highlight=False)
    rp: Any = a.robust_package
    if not _not_applicable(rp) and rp.best is not None:
        best = rp.best
        lo, hi = best.to_dict()["p_all_accept_interval"]
        how = "exact over the samples" if rp.proven else "best found, not proven best"
        console.print(
            f"  most robust package: accepted by all in {100 * best.p_all:.1f}% of the same worlds "
            f"(CI {100 * lo:.1f}-{100 * hi:.1f}%; {how}): "
            + ", ".join(f"{k}={v}" for k, v in best.package.items()),
            highlight=False,
        )
    c = a.contingent
    if _not_applicable(c):
        return
    for term in c.terms:
        for comp in term.comparisons:
            who = ", ".join(comp.preferred_by) or "nobody"
            console.print(
                f"  contingent term {term.issue}={term.option} (event {term.event}) vs "
                f"{comp.alternative}: preferred by {who}; total gain {comp.total_gain:+.3f}"
                + (" — a Pareto improvement" if comp.pareto_improving else "")
            )


def _ripeness(a: Analysis) -> None:
    _question("When does a deal become possible?")
    if not _not_applicable(a.ripeness):
        console.print("  " + escape(a.ripeness.headline()), highlight=False)
        if not a.ripeness.complete:
            console.print(f"  [yellow]{escape(a.ripeness.provenance.bound or '')}[/]")


def _stability(a: Analysis) -> None:
    from rich.markup import escape

    _question(
        "Would the deal hold?",
        "Graph Model for Conflict Resolution: can a party (or parties that control an issue "
        "together) gain by walking away from it, and can the others deter that?",
    )
    shown_movers = ""
    if _no_proposals(a):
        return
    for ev in a.proposals:
        d = a.stability[ev.proposal]
        console.print(f"[bold]{ev.proposal}[/]")
        if _not_applicable(d):
            continue
        data = d.to_dict()
        movers = "; ".join(
            " + ".join(m["members"]) + f" ({', '.join(m['controls'])})"
            for m in data["decision_makers"]
        )
        if movers != shown_movers:  # the same for every proposal unless held issues differ
            console.print(f"  decision makers (from control): {movers}")
            if any(len(m["members"]) > 1 for m in data["decision_makers"]):
                console.print(f"  [dim]{escape(data['joint_control'])}[/]")
            shown_movers = movers
        console.print(f"  {escape(data['verdict']['text'])}")
        if data["defections"]:
            console.print(
                f"  [dim]{len(data['defections'])} defection(s), each with who deters it: "
                f"peacetable conflict {a.scenario.id} --proposal {ev.proposal}[/]"
            )


def _forecast(a: Analysis) -> None:
    _question("Where will bargaining go?")
    f = a.forecast
    if _not_applicable(f):
        return
    for issue, d in f.decided.items():
        console.print(
            Text(f"  {issue}: decided by {d['by']}, which controls it alone → {d['option']}")
        )
    rows = f.issue_rows()
    for row in rows:
        by_option: dict[str, list[str]] = {}
        for model, fc in row["forecast"].items():
            if fc["option"] is not None:
                by_option.setdefault(fc["option"], []).append(model)
        forecasts = "; ".join(f"{o} ({', '.join(ms)})" for o, ms in by_option.items())
        console.print(Text(f"  {row['issue']}: {forecasts}"))
    for actor, members in f.blocs.items():
        console.print(Text(f"  {actor} counts once: {', '.join(members)} act as one bloc"))
    unordered = [i for i, why in f.skipped_issues.items() if why.startswith("options are not")]
    if unordered:
        console.print(Text(f"  not forecast (options form no scale): {', '.join(unordered)}"))


def _simulate(a: Analysis) -> None:
    _question("How would bargaining unfold?")
    r = a.simulate
    if _not_applicable(r):
        return
    for protocol, res in r.results.items():
        console.print(f"  {r.describe(protocol)}", highlight=False)
        for ag in res.agreements[:1]:
            changes = _changes_from(a, r.first_draft, ag["package"])
            console.print(
                f"    most often ({ag['count']} of {res.repetitions}): {changes}", highlight=False
            )


def _changes_from(a: Analysis, draft: str | None, package: dict[str, str]) -> str:
    """A package as changes to the first draft (all of it when there is none)."""
    if draft is None:
        return ", ".join(f"{i}={o}" for i, o in package.items())
    base = a.scenario.proposal(draft).package
    changes = [f"{i}: {base.get(i)}→{o}" for i, o in package.items() if base.get(i) != o]
    return f"{draft} with " + ", ".join(changes) if changes else f"{draft} unchanged"


def _sequence(a: Analysis) -> None:
    _question("In what order can it be implemented?")
    r = a.sequence
    if _not_applicable(r):
        return
    s = r.schedule
    head = f"{r.proposal}: "
    if s.found:
        proven = "proven optimal" if s.proven_optimal else f"optimality gap {s.gap}"
        console.print(
            f"  {head}a safe schedule in {len(r.phases) - 1} phases ({proven}; "
            f"objective {s.objective})"
        )
        worst = {p: max(row.exposure[p] for row in r.phases) for p in r.party_ids}
        console.print("  worst exposure: " + ", ".join(f"{p} {v:.3f}" for p, v in worst.items()))
    else:
        console.print(f"  {head}no schedule keeps every party within its exposure bound")
        if r.conflict is not None:
            console.print("  conflicting constraints: " + "; ".join(r.conflict.constraints))
    for dispute, outcomes in r.comparisons.items():
        for o in outcomes:
            who = o.risk_carrier or "nobody"
            found = o.n_phases is not None
            console.print(
                f"  {dispute} read as {o.reading}: "
                + (f"safe in {o.n_phases} phases" if found else "no safe schedule")
                + f"; the largest exposure falls on {who}"
            )


def analyze_command(
    scenario: Annotated[
        str | None, typer.Argument(help="Scenario file or embedded id (default: ukraine-2022).")
    ] = None,
    proposal: Annotated[
        list[str] | None,
        typer.Option("--proposal", "-p", help="Focus on this proposal (repeatable)."),
    ] = None,
    samples: Annotated[
        int, typer.Option("--samples", min=100, help="Sampled worlds for 'how sure are we'.")
    ] = DEFAULT_SAMPLES,
    seed: Annotated[
        int, typer.Option("--seed", min=0, help="Seed of every sampled answer.")
    ] = DEFAULT_SEED,
    horizon: Annotated[
        int, typer.Option("--horizon", min=1, help="Months for ripeness.")
    ] = DEFAULT_HORIZON,
    time_limit: Annotated[
        float,
        typer.Option(
            "--time-limit",
            min=0.0,
            help="Seconds the long questions share; each answers approximately (labelled) when "
            "its share runs out. 0: no limit.",
        ),
    ] = DEFAULT_ANALYZE_TIME_LIMIT,
    trade_process: TradeProcessOpt = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON (stable keys; see README).")
    ] = False,
) -> None:
    """Answer the mediator's questions for each proposal: accepted? efficient? what would it
    take? how sure? when? would it hold? where will bargaining go? how would it unfold? in
    what order?

    Without proposals it answers what needs none (frontier, fair packages, ZOPA, how sure
    the fair packages are, ripeness). Answers cut short by --time-limit say how far off.

    \b
    Example: peacetable analyze --proposal seven-points
    """
    from peacetable.analyze import analysis_settings, analyze_session
    from peacetable.core import Session, prepare

    s = load_scenario_arg(scenario)
    prepared = prepare(s)
    settings = analysis_settings(
        prepared,
        proposal,
        seed=seed,
        samples=samples,
        horizon=horizon,
        time_limit=time_limit_setting(time_limit),
        trade_process=trade_process,
    )
    with progress_reporter(not as_json) as progress:
        result = analyze_session(Session(prepared, settings, progress=progress))
    if as_json:
        emit_json(result.to_dict())
        return
    cs = result.prepared
    limit = f"{time_limit:g} s time limit" if time_limit > 0 else "no time limit"
    console.print(
        f"[bold]{escape(s.title)}[/] — {len(cs.party_ids)} negotiating parties, "
        f"{len(cs.issue_ids)} issues, {cs.n_packages:,} possible packages (seed {seed}, "
        f"{samples:,} sampled worlds, {limit})",
        highlight=False,
    )
    loose = [k for k, v in result.answers().items() if v.startswith("approximate") and "limit" in v]
    if loose:
        console.print(
            f"[yellow]cut short by the time or memory limit:[/] {', '.join(loose)} (each "
            "answer says how far off; --json lists how every answer was obtained)",
            highlight=False,
        )
    _SHOWN.clear()
    for section in (
        _acceptance,
        _diagnoses,
        _space,
        _robustness,
        _ripeness,
        _stability,
        _forecast,
        _simulate,
        _sequence,
    ):
        section(result)


def register(app: typer.Typer) -> None:
    """Add ``analyze`` to the main app."""
    app.command("analyze")(handle_errors(analyze_command))
