"""Build a briefing: one section per question, each from the session's lens results.

The sections are the scenario at a glance, then one per report section named
in the lens registry (:func:`peacetable.core.registry.report_sections`), in
registry order; each is a module under :mod:`peacetable.report.sections`
with ``KEY``, ``TITLE`` and ``build(ctx)``. Every section reads lens results
from one :class:`~peacetable.core.Session`, so a section's content does not
depend on which other sections are built. A section appears only when its
lenses answer for this scenario:

* the section module or its engine is not installed → omitted, with the
  reason listed in the appendix;
* a lens is not applicable (e.g. no issue is controlled by one party, so
  there is no conflict model) → omitted, reason listed;
* any other exception is a bug: with ``strict=True`` it propagates; otherwise
  the section is omitted, the error is logged with its traceback and listed in
  the appendix, so it is never silent.
"""

from __future__ import annotations

import dataclasses
import importlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from peacetable.core import PreparedScenario, Session, Settings
from peacetable.core.registry import report_sections
from peacetable.errors import InputError, PeacetableError
from peacetable.model import Scenario
from peacetable.report.charts import Chart
from peacetable.report.context import MAX_PAIR_CHARTS, Block, ReportContext, Section

log = logging.getLogger(__name__)


def section_modules() -> tuple[str, ...]:
    """Section modules in report order: ``glance``, then those of the lens registry."""
    return ("glance", *(module for module, _ in report_sections()))


Progress = Callable[[str, str], None]


@dataclass(frozen=True)
class Omission:
    """A section left out of the report, and why.

    ``kind`` is ``"unavailable"`` (engine not installed), ``"not applicable"``
    (the engine refuses this scenario) or ``"error"`` (a bug; logged).
    """

    key: str
    title: str
    kind: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        """Plain data."""
        return {"key": self.key, "title": self.title, "kind": self.kind, "reason": self.reason}


@dataclass(frozen=True)
class Report:
    """A built briefing: its sections, what was omitted, settings and timings.

    Render it with :func:`peacetable.report.page.render_page`.

    Attributes
    ----------
    session:
        The session whose lens results the sections show.
    sections:
        The sections that were built, in order.
    omitted:
        The sections left out, with reasons.
    seconds:
        Build time of each section (and ``"total"``).
    """

    session: Session
    sections: tuple[Section, ...]
    omitted: tuple[Omission, ...]
    seconds: dict[str, float]

    @property
    def scenario(self) -> Scenario:
        """The scenario reported on."""
        return self.session.scenario

    @property
    def settings(self) -> Settings:
        """Seed, sample sizes and horizon every section used."""
        return self.session.settings

    @property
    def charts(self) -> tuple[Chart, ...]:
        """Every chart, numbered 1, 2, … in report order."""
        return tuple(c for s in self.sections for c in s.charts)

    def to_dict(self) -> dict[str, Any]:
        """Summary as plain data (sections, charts, omissions, settings, timings)."""
        return {
            "scenario": self.scenario.id,
            "settings": self.settings.to_dict(),
            "sections": [
                {
                    "key": s.key,
                    "title": s.title,
                    "question": s.question,
                    "answer": s.answer,
                    "charts": [c.file_stem for c in s.charts],
                }
                for s in self.sections
            ],
            "omitted": [o.to_dict() for o in self.omitted],
            "seconds": dict(self.seconds),
        }


def _number_charts(sections: list[Section]) -> list[Section]:
    out = []
    n = 0
    for section in sections:
        blocks: list[Block] = []
        for block in section.blocks:
            if isinstance(block, Chart):
                n += 1
                block = dataclasses.replace(block, number=n)
            blocks.append(block)
        out.append(dataclasses.replace(section, blocks=tuple(blocks)))
    return out


def build_report(
    scenario: Scenario | PreparedScenario | Session,
    settings: Settings | None = None,
    *,
    only: tuple[str, ...] | None = None,
    strict: bool = False,
    progress: Progress | None = None,
    max_pair_charts: int = MAX_PAIR_CHARTS,
) -> Report:
    """Build the briefing of *scenario*.

    Parameters
    ----------
    scenario:
        A validated scenario, a prepared one, or a session (whose results are reused).
    settings:
        Seed, sample sizes and horizon (the shared defaults of
        :class:`~peacetable.core.Settings`); ignored when *scenario* is a session.
    only:
        Build only these section keys (default: all of :func:`section_modules`).
    strict:
        Re-raise unexpected errors of a section builder instead of omitting the section.
    progress:
        Called with ``(key, title)`` before each section is built.
    max_pair_charts:
        Most pairwise frontier charts drawn.

    Returns
    -------
    Report

    Raises
    ------
    InputError
        For an unknown section key in *only*.
    """
    session = scenario if isinstance(scenario, Session) else Session(scenario, settings)
    known = section_modules()
    for key in only or ():
        if key not in known:
            raise InputError(f"unknown report section {key!r}; sections: {', '.join(known)}")
    ctx = ReportContext(session, max_pair_charts)
    built: list[Section] = []
    omitted: list[Omission] = []
    seconds: dict[str, float] = {}
    t_start = time.perf_counter()
    for key in known:
        if only is not None and key not in only:
            continue
        t0 = time.perf_counter()
        title = key
        try:
            module: Any = importlib.import_module(f"peacetable.report.sections.{key}")
            title = module.TITLE
            if progress is not None:
                progress(key, title)
            section: Section = module.build(ctx)
        except ImportError as exc:
            missing = exc.name or str(exc)
            if missing == f"peacetable.report.sections.{key}":
                reason = "not available in this version of peacetable"
            else:
                reason = f"engine not available (cannot import {missing})"
            omitted.append(Omission(key, title, "unavailable", reason))
        except PeacetableError as exc:
            omitted.append(Omission(key, title, "not applicable", str(exc)))
        except Exception as exc:
            if strict:
                raise
            log.exception("report section %s failed", key)
            omitted.append(Omission(key, title, "error", f"{type(exc).__name__}: {exc}"))
        else:
            built.append(section)
        seconds[key] = time.perf_counter() - t0
    seconds["total"] = time.perf_counter() - t_start
    return Report(session, tuple(_number_charts(built)), tuple(omitted), seconds)
