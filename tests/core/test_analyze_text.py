"""``peacetable analyze`` on the embedded scenario reads whole at 80 columns.

A snapshot of the text at ``COLUMNS=80`` (regenerate with
``PEACETABLE_UPDATE_SNAPSHOTS=1``), plus checks that hold whatever the
scenario says: no truncated table cell, no line wider than the terminal, and
every "what would it take" answer is a whole sentence that names the changes.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from peacetable.cli import app

SNAPSHOT = Path(__file__).parent / "snapshots" / "analyze_ukraine_80.txt"
ARGS = ["analyze", "ukraine-2022", "--samples", "2000"]


@pytest.fixture(scope="module")
def text() -> str:
    runner = CliRunner(env={"COLUMNS": "80", "NO_COLOR": "1", "TERM": "dumb"})
    result = runner.invoke(app, ARGS, terminal_width=80)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_no_truncated_cell_and_no_overlong_line(text: str) -> None:
    assert "…" not in text  # rich marks a cut cell with an ellipsis
    assert max(len(line) for line in text.splitlines()) <= 80


def test_snapshot(text: str) -> None:
    if os.environ.get("PEACETABLE_UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(text, encoding="utf-8")
    if not SNAPSHOT.exists():
        pytest.fail(f"{SNAPSHOT} is missing; write it with PEACETABLE_UPDATE_SNAPSHOTS=1")
    assert text == SNAPSHOT.read_text(encoding="utf-8")


DANGLING = re.compile(r"\b(is|are|was|were|one|none|fewer|and|or|to|of|by)\s*[;,]?\s*$")


def test_what_would_it_take_names_the_changes() -> None:
    result = CliRunner().invoke(app, [*ARGS, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    statements = []
    for entry in data["proposals"]:
        d = entry["diagnosis"]
        if "not_applicable" in d:
            continue
        for key in ("improvements", "acceptance"):
            statements.append(d[key])
        statements.extend(d["fixes"].values())
    assert statements
    for s in statements:
        text = s["statement"]
        assert not DANGLING.search(text), text
        if s["min_changes"] or s.get("nearest"):
            assert "→" in text, text  # names the changed provisions
    for name, sol in data["solutions"].items():
        if sol["package"] is not None and sol["rejected_by"]:
            assert sol["label"].startswith("least-shortfall package — rejected by"), name
