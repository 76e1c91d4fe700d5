"""Importers for actor/position/salience/capability data sets.

Formats (see ``../shared/data/forecast-cases/README.md``):

* plain CSV ``Actor,Capability,Position,Salience`` (one issue; the BDM files;
  header case-insensitive, ``name`` accepted for ``Actor``);
* KTAB SMP CSV (line 1 scenario, line 2 header ``Actor,Description,Influence,
  <dim> Position,<dim> Salience,...``) and KTAB SMP XML (``<Scenario>``);
* Decide input files (``#A`` actor, ``#P`` issue, ``#M`` scale point,
  ``#D actor issue position salience power``; tab separated, optionally quoted);
* the DEU wide table (``p<xx>`` positions, ``s<xx>`` saliences, ``out`` outcome,
  ``rp`` reference point, ``proc`` procedure).

Saliences given on a 0..100 scale (KTAB, DEU, and BDM files whose largest
salience exceeds 1) are divided by 100.  Every reader raises
:class:`~peacetable.errors.InputError` naming the file, line and field of the
first problem it finds.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from peacetable.errors import InputError, Location
from peacetable.forecast.data import ForecastProblem, IssueScale, check_problem_size
from peacetable.io.json_parse import number_problem
from peacetable.io.textfiles import read_text
from peacetable.io.xml_parse import parse_xml

DEU_ACTORS: tuple[str, ...] = (
    "com", "ep", "at", "be", "bu", "cr", "cy", "cz", "dk", "ee", "fi", "fr", "de", "el", "hu",
    "ie", "it", "lv", "lt", "lu", "mt", "nl", "pl", "pt", "ro", "si", "sk", "es", "se", "uk",
)  # fmt: skip


def _float(text: str, path: Path, line: int | None, field: str) -> float:
    raw = text.strip().strip("'\"")
    where = Location(file=str(path), line=line, field=field)
    shown = raw if len(raw) <= 24 else f"{raw[:20]}…"
    problem = number_problem(raw) if len(raw) > 24 else None
    if problem:
        raise InputError(problem, where)
    try:
        value = float(raw)
    except ValueError:
        raise InputError(f"not a number: {shown!r}", where) from None
    if not math.isfinite(value):
        raise InputError(f"not a finite number: {shown!r}", where)
    return value


def _read_text(path: Path) -> str:
    """The file's text within the size limit (UTF-8, else Latin-1 as old exports are)."""
    return read_text(path, latin1_fallback=True)


def _csv_rows(path: Path, delimiter: str = ",") -> list[list[str]]:
    """The rows of a CSV/TSV file; a malformed row (NUL byte, huge field) is a located error."""
    reader = csv.reader(_read_text(path).splitlines(), delimiter=delimiter)
    try:
        return list(reader)
    except csv.Error as exc:
        raise InputError(
            f"malformed {'TSV' if delimiter == chr(9) else 'CSV'} row: {exc}",
            Location(file=str(path), line=reader.line_num + 1),
        ) from None


def _check_ranges(
    path: Path, line: int | None, actor: str, issue: str, sal: float, cap: float, sal_scale: float
) -> None:
    if sal < 0 or sal > sal_scale:
        raise InputError(
            f"salience {sal} of {actor!r} on {issue!r} outside 0..{sal_scale:g}",
            Location(file=str(path), line=line, field="salience"),
        )
    if cap < 0:
        raise InputError(
            f"capability {cap} of {actor!r} on {issue!r} is negative",
            Location(file=str(path), line=line, field="capability"),
        )


def read_bdm_csv(path: str | Path) -> ForecastProblem:
    """Read a one-issue ``Actor,Capability,Position,Salience`` CSV.

    Parameters
    ----------
    path:
        CSV file.  Salience may be 0..1 or 0..100 (divided by 100 when its
        maximum exceeds 1).  The issue scale is the range of the positions, as
        in Scholz et al. (2011) and both public replications.

    Returns
    -------
    ForecastProblem

    Raises
    ------
    InputError
        Missing column, non-numeric cell, negative capability, bad salience.
    """
    path = Path(path)
    rows = _csv_rows(path)
    if not rows:
        raise InputError("empty file", Location(file=str(path), line=1))
    check_problem_size(len(rows) - 1, 1, Location(file=str(path)))
    header = [h.strip().lower() for h in rows[0]]
    if "actor" not in header and "name" in header:
        header[header.index("name")] = "actor"
    cols: dict[str, int] = {}
    for want in ("actor", "capability", "position", "salience"):
        if want not in header:
            raise InputError(
                f"missing column {want!r} (header: {','.join(rows[0])})",
                Location(file=str(path), line=1, field=want),
            )
        cols[want] = header.index(want)
    actors: list[str] = []
    raw: list[tuple[float, float, float, int]] = []
    for n, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) <= max(cols.values()):
            raise InputError(
                f"expected {len(header)} cells, found {len(row)}",
                Location(file=str(path), line=n),
            )
        actors.append(row[cols["actor"]].strip())
        raw.append(
            (
                _float(row[cols["position"]], path, n, "position"),
                _float(row[cols["salience"]], path, n, "salience"),
                _float(row[cols["capability"]], path, n, "capability"),
                n,
            )
        )
    if len(actors) < 2:
        raise InputError("need at least two actors", Location(file=str(path)))
    sal_scale = 100.0 if max(r[1] for r in raw) > 1.0 else 1.0
    for actor, (_, s, c, n) in zip(actors, raw, strict=True):
        _check_ranges(path, n, actor, "issue", s, c, sal_scale)
    pos = np.array([[r[0]] for r in raw])
    lo, hi = float(pos.min()), float(pos.max())
    if hi <= lo:
        hi = lo + 1.0
    return ForecastProblem(
        actors=tuple(actors),
        issues=(IssueScale(id=path.stem, name=path.stem, lower=lo, upper=hi),),
        position=pos,
        salience=np.array([[r[1] / sal_scale] for r in raw]),
        capability=np.array([[r[2]] for r in raw]),
        name=path.stem,
        source=str(path),
    )


def read_ktab_csv(path: str | Path) -> ForecastProblem:
    """Read a KTAB SMP CSV file (scale 0..100, salience 0..100).

    Line 1: ``scenario, description, nActors, nDims``; line 2: header
    ``Actor,Description,Influence,<dim> Position,<dim> Salience,...``.
    """
    path = Path(path)
    rows = _csv_rows(path)
    if len(rows) < 3:
        raise InputError("KTAB CSV needs a scenario line, a header and actors", Location(str(path)))
    meta = [c.strip() for c in rows[0]]
    try:
        n_actors, n_dims = int(meta[2]), int(meta[3])
    except (IndexError, ValueError):
        raise InputError(
            "line 1 must be 'scenario, description, nActors, nDims'",
            Location(file=str(path), line=1),
        ) from None
    for value, field in ((n_actors, "nActors"), (n_dims, "nDims")):
        if value < 1:
            raise InputError(
                f"must be at least 1, got {value}",
                Location(file=str(path), line=1, field=field),
            )
    check_problem_size(n_actors, n_dims, Location(file=str(path), line=1))
    header = [c.strip() for c in rows[1]]
    if len(header) < 3 + 2 * n_dims:
        raise InputError(
            f"header has {len(header)} columns, need {3 + 2 * n_dims} for {n_dims} dimensions",
            Location(file=str(path), line=2),
        )
    dims = [header[3 + 2 * d].removesuffix(" Position").strip() for d in range(n_dims)]
    body = [(n, r) for n, r in enumerate(rows[2:], start=3) if any(c.strip() for c in r)]
    if len(body) != n_actors:
        raise InputError(
            f"line 1 announces {n_actors} actors, found {len(body)}",
            Location(file=str(path), line=1, field="nActors"),
        )
    actors: list[str] = []
    names: list[str] = []
    pos = np.full((n_actors, n_dims), np.nan)
    sal = np.full((n_actors, n_dims), np.nan)
    cap = np.full((n_actors, n_dims), np.nan)
    for a, (n, row) in enumerate(body):
        if len(row) < 3 + 2 * n_dims:
            raise InputError(f"expected {3 + 2 * n_dims} cells", Location(file=str(path), line=n))
        actors.append(row[0].strip())
        names.append(row[1].strip() or row[0].strip())
        c = _float(row[2], path, n, header[2])
        for d in range(n_dims):
            p = _float(row[3 + 2 * d], path, n, header[3 + 2 * d])
            s = _float(row[4 + 2 * d], path, n, header[4 + 2 * d])
            _check_ranges(path, n, actors[-1], dims[d], s, c, 100.0)
            pos[a, d], sal[a, d], cap[a, d] = p, s / 100.0, c
    return ForecastProblem(
        actors=tuple(actors),
        issues=tuple(IssueScale(id=d, name=d, lower=0.0, upper=100.0) for d in dims),
        position=pos,
        salience=sal,
        capability=cap,
        name=meta[0],
        source=str(path),
        actor_names=tuple(names),
    )


def read_ktab_xml(path: str | Path) -> ForecastProblem:
    """Read a KTAB SMP XML scenario (``<Scenario>``; scale 0..100, salience 0..100).

    An empty ``<dCoord/>`` means the actor took no position on that dimension.
    """
    path = Path(path)
    doc = parse_xml(path)
    root = doc.root
    dims = [(d.text or "").strip() for d in root.iter("dName")]
    actors_el = root.find("Actors")
    if not dims or actors_el is None:
        raise InputError("XML needs <Dimensions><dName> and <Actors>", doc.at(root))
    actor_els = actors_el.findall("Actor")
    check_problem_size(len(actor_els), len(dims), doc.at(actors_el, "Actors"))
    actors: list[str] = []
    pos_rows: list[list[float]] = []
    sal_rows: list[list[float]] = []
    caps: list[float] = []
    for a, el in enumerate(actor_els):
        name = (el.findtext("name") or f"actor{a + 1}").strip()
        field = f"Actors.{name}"
        line = doc.at(el).line
        cap_el = el.find("capability")
        if cap_el is None or cap_el.text is None:
            raise InputError("missing <capability>", doc.at(el, field))
        coord_els = list(el.iter("dCoord"))
        sal_els = list(el.iter("dSal"))
        if len(coord_els) != len(dims) or len(sal_els) != len(dims):
            raise InputError(
                f"{len(coord_els)} coordinates / {len(sal_els)} saliences for {len(dims)} dimensions",
                doc.at(el, field),
            )
        cap = _float(cap_el.text, path, doc.at(cap_el).line, f"{field}.capability")
        row_p: list[float] = []
        row_s: list[float] = []
        for d, (c_el, s_el) in enumerate(zip(coord_els, sal_els, strict=True)):
            c, sv = (c_el.text or "").strip(), (s_el.text or "").strip()
            p = _float(c, path, doc.at(c_el).line, f"{field}.dCoord") if c else math.nan
            s = _float(sv, path, doc.at(s_el).line, f"{field}.dSal") if sv else math.nan
            if not math.isnan(p):
                _check_ranges(path, line, name, dims[d], 0.0 if math.isnan(s) else s, cap, 100.0)
            row_p.append(p)
            row_s.append(s / 100.0 if not math.isnan(p) else math.nan)
        actors.append(name)
        pos_rows.append(row_p)
        sal_rows.append(row_s)
        caps.append(cap)
    pos = np.array(pos_rows)
    cap_arr = np.where(np.isnan(pos), np.nan, np.array(caps)[:, None])
    return ForecastProblem(
        actors=tuple(actors),
        issues=tuple(IssueScale(id=d, name=d, lower=0.0, upper=100.0) for d in dims),
        position=pos,
        salience=np.array(sal_rows),
        capability=cap_arr,
        name=(root.findtext("name") or path.stem).strip(),
        source=str(path),
    )


@dataclass
class _DecideRows:
    actors: list[str]
    actor_names: list[str]
    issues: list[str]
    names: dict[str, str]
    marks: dict[str, list[float]]
    data: list[tuple[str, str, float, float, float, int]]


def _decide_rows(path: Path) -> _DecideRows:
    """The ``#A``, ``#P``, ``#M`` and ``#D`` rows of a Decide file, each checked where it stands."""
    actors: list[str] = []
    actor_names: list[str] = []
    issues: list[str] = []
    issue_names: dict[str, str] = {}
    marks: dict[str, list[float]] = {}
    data: list[tuple[str, str, float, float, float, int]] = []
    declared: set[str] = set()
    for n, line in enumerate(_read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        cells = [c.strip().strip("'\"").strip() for c in line.split("\t")]
        tag = cells[0]
        loc = Location(file=str(path), line=n)
        if tag in ("#/", "#O", "#C") or not tag.startswith("#"):
            continue
        if tag == "#A":
            if len(cells) < 2 or not cells[1]:
                raise InputError("#A row needs an actor id", loc)
            if cells[1] in declared:
                raise InputError(f"actor {cells[1]!r} is declared twice", loc)
            declared.add(cells[1])
            actors.append(cells[1])
            check_problem_size(len(actors), 1, loc)
            actor_names.append(cells[2] if len(cells) > 2 and cells[2] else cells[1])
        elif tag == "#P":
            if len(cells) < 2 or not cells[1]:
                raise InputError("#P row needs an issue id", loc)
            if cells[1] in issue_names:
                raise InputError(f"issue {cells[1]!r} is declared twice", loc)
            issues.append(cells[1])
            issue_names[cells[1]] = cells[3] if len(cells) > 3 and cells[3] else cells[1]
            check_problem_size(1, len(issues), loc)
        elif tag == "#M":
            if len(cells) < 3:
                raise InputError("#M row needs an issue id and a value", loc)
            if cells[1] not in issue_names:
                raise InputError(f"#M for undeclared issue {cells[1]!r}", loc)
            marks.setdefault(cells[1], []).append(_float(cells[2], path, n, "#M value"))
        elif tag == "#D":
            if len(cells) < 6:
                raise InputError("#D row needs actor, issue, position, salience, power", loc)
            data.append(
                (
                    cells[1],
                    cells[2],
                    _float(cells[3], path, n, "position"),
                    _float(cells[4], path, n, "salience"),
                    _float(cells[5], path, n, "power"),
                    n,
                )
            )
        else:
            raise InputError(f"unknown row type {tag!r}", Location(str(path), n, 1))
    return _DecideRows(actors, actor_names, issues, issue_names, marks, data)


def read_decide(path: str | Path) -> ForecastProblem:
    """Read a Decide input file (``#A``/``#P``/``#M``/``#D`` rows).

    The scale of an issue is the range of its ``#M`` points (default 0..100
    when it has none).  Salience and power are in 0..1.
    """
    path = Path(path)
    rows = _decide_rows(path)
    actors, actor_names, issues, issue_names = (
        rows.actors,
        rows.actor_names,
        rows.issues,
        rows.names,
    )
    marks, data = rows.marks, rows.data
    if not actors or not issues:
        raise InputError("no #A actors or #P issues found", Location(file=str(path)))
    check_problem_size(len(actors), len(issues), Location(file=str(path)))
    a_index = {a: i for i, a in enumerate(actors)}
    i_index = {p: k for k, p in enumerate(issues)}
    scales = {p: (min(marks[p]), max(marks[p])) if len(marks.get(p, [])) >= 2 else (0.0, 100.0)
              for p in issues}  # fmt: skip
    pos = np.full((len(actors), len(issues)), np.nan)
    sal = np.full_like(pos, np.nan)
    cap = np.full_like(pos, np.nan)
    for actor, issue, x, s, c, n in data:
        if actor not in a_index:
            raise InputError(
                f"unknown actor {actor!r} (no #A row)", Location(str(path), n, None, "actor")
            )
        if issue not in i_index:
            raise InputError(
                f"unknown issue {issue!r} (no #P row)", Location(str(path), n, None, "issue")
            )
        _check_ranges(path, n, actor, issue, s, c, 1.0)
        lo, hi = scales[issue]
        if not lo <= x <= hi:
            raise InputError(
                f"position {x:g} of {actor!r} on {issue!r} outside the scale [{lo:g}, {hi:g}]",
                Location(file=str(path), line=n, field="position"),
            )
        a, k = a_index[actor], i_index[issue]
        pos[a, k], sal[a, k], cap[a, k] = x, s, c
    return ForecastProblem(
        actors=tuple(actors),
        issues=tuple(
            IssueScale(id=p, name=issue_names[p], lower=scales[p][0], upper=scales[p][1])
            for p in issues
        ),
        position=pos,
        salience=sal,
        capability=cap,
        name=path.stem,
        source=str(path),
        actor_names=tuple(actor_names),
    )


def read_deu(path: str | Path) -> ForecastProblem:
    """Read the DEU wide table (tab separated, quoted; scale 0..100).

    Positions ``p<xx>`` and saliences ``s<xx>`` (0..100) for the 30 actors of
    DEU III; ``out`` known outcome, ``rp`` reference point, ``proc``
    procedure.  The unlabelled second row holding GDP figures (added to this
    copy by blksv) is used as the capability of the member states; without it
    every actor has capability 1.  An actor with a blank position or salience
    on an issue is left out of that issue.
    """
    path = Path(path)
    rows = _csv_rows(path, delimiter="\t")
    col = _deu_columns(rows, path)
    id_col = col.get("isnr")
    body = rows[1:]
    cap = np.ones(len(DEU_ACTORS))
    first_line = 2
    if body and (id_col is None or not body[0][id_col].strip()):
        vals = [body[0][col[f"p{a}"]].strip() for a in DEU_ACTORS] if body[0] else []
        if vals and all(vals):
            cap = np.array(
                [_float(v, path, 2, f"p{a}") for v, a in zip(vals, DEU_ACTORS, strict=True)]
            )
        body, first_line = body[1:], 3
    check_problem_size(
        len(DEU_ACTORS), sum(1 for r in body if any(c.strip() for c in r)), Location(str(path))
    )
    issues: list[IssueScale] = []
    pos_cols: list[list[float]] = []
    sal_cols: list[list[float]] = []
    for n, row in enumerate(body, start=first_line):
        if any(c.strip() for c in row):
            issue, p_row, s_row = _deu_issue(row, col, path, n)
            issues.append(issue)
            pos_cols.append(p_row)
            sal_cols.append(s_row)
    pos = np.array(pos_cols).T
    sal = np.array(sal_cols).T
    capability = np.where(np.isnan(pos), np.nan, cap[:, None])
    return ForecastProblem(
        actors=DEU_ACTORS,
        issues=tuple(issues),
        position=pos,
        salience=sal,
        capability=capability,
        name=path.stem,
        source=str(path),
    )


def _deu_columns(rows: list[list[str]], path: Path) -> dict[str, int]:
    """Column index by name; every required column present, every row as long as the header."""
    if not rows:
        raise InputError("empty file", Location(file=str(path), line=1))
    header = [h.strip() for h in rows[0]]
    col = {h: k for k, h in enumerate(header)}
    for want in ("out", *(f"p{a}" for a in DEU_ACTORS), *(f"s{a}" for a in DEU_ACTORS)):
        if want not in col:
            raise InputError(f"missing column {want!r}", Location(str(path), 1, None, want))
    for n, row in enumerate(rows[1:], start=2):
        if any(c.strip() for c in row) and len(row) != len(header):
            raise InputError(
                f"the row has {len(row)} cell{'s' * (len(row) != 1)}, the header {len(header)} "
                "(leave unknown cells empty, but keep them)",
                Location(str(path), n),
            )
    return col


def _deu_issue(
    row: list[str], col: dict[str, int], path: Path, n: int
) -> tuple[IssueScale, list[float], list[float]]:
    """One DEU row: the issue, and the positions and saliences (0..1) of the 30 actors."""

    def cell(name: str) -> str:
        return row[col[name]].strip() if name in col else ""

    p_row: list[float] = []
    s_row: list[float] = []
    for a in DEU_ACTORS:
        p, s = cell(f"p{a}"), cell(f"s{a}")
        if p and s:
            pv = _float(p, path, n, f"p{a}")
            sv = _float(s, path, n, f"s{a}")
            if not 0 <= pv <= 100:
                raise InputError(
                    f"position {pv} outside 0..100", Location(str(path), n, None, f"p{a}")
                )
            if not 0 <= sv <= 100:
                raise InputError(
                    f"salience {sv} outside 0..100", Location(str(path), n, None, f"s{a}")
                )
            p_row.append(pv)
            s_row.append(sv / 100.0)
        else:
            p_row.append(math.nan)
            s_row.append(math.nan)
    out, rp = cell("out"), cell("rp")
    issue_id = cell("isnr") or f"row{n}"
    issue = IssueScale(
        id=issue_id,
        name=cell("prname") or issue_id,
        lower=0.0,
        upper=100.0,
        outcome=_float(out, path, n, "out") if out else None,
        reference_point=_float(rp, path, n, "rp") if rp else None,
        procedure=cell("proc") or None,
        group=cell("prnr") or None,
    )
    return issue, p_row, s_row


def load_problem(path: str | Path) -> ForecastProblem:
    """Read any supported forecasting input, detecting the format from its content.

    Raises
    ------
    InputError
        If the file is missing, empty or in no known format.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", Location(file=str(path)))
    text = _read_text(path)
    head = text.lstrip("\ufeff").lstrip()
    if head.startswith("<"):
        return read_ktab_xml(path)
    first = head.splitlines()[0] if head else ""
    if first.lstrip("'\"").startswith("#"):
        return read_decide(path)
    if "\t" in first and ("pcom" in first or '"out"' in first or "\tout" in first):
        return read_deu(path)
    lowered = first.lower().replace(" ", "")
    if lowered.startswith(("actor,capability", "name,capability")) or (
        "capability" in lowered and "position" in lowered and "salience" in lowered
    ):
        return read_bdm_csv(path)
    lines = head.splitlines()
    if len(lines) > 1 and lines[1].lower().replace(" ", "").startswith("actor,description"):
        return read_ktab_csv(path)
    raise InputError(
        "unknown format (expected BDM CSV, KTAB CSV/XML, Decide #A/#P/#D rows or a DEU table)",
        Location(file=str(path), line=1),
    )
