"""The session: one prepared scenario, one set of settings, each lens run at most once.

Every surface -- ``analyze``, the command line, the report, the web app --
reads lens results from a :class:`Session`. The session prepares the
scenario once, fills each lens's settings block from one
:class:`~peacetable.core.settings.Settings`, runs a lens the first time its
result is asked for, times it (the time goes into the result's provenance
and nowhere else) and caches the result by lens key and settings. A lens
that raises :class:`~peacetable.errors.AnalysisError` (it cannot answer for
this scenario) yields :class:`~peacetable.core.results.NotApplicable` with
that reason; bad arguments (:class:`~peacetable.errors.InputError`)
propagate.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Mapping
from typing import Any

from peacetable.core.prepared import PreparedScenario, prepare
from peacetable.core.registry import get_lens
from peacetable.core.results import NotApplicable, Result, with_seconds
from peacetable.core.settings import Settings, lens_settings
from peacetable.errors import AnalysisError
from peacetable.model.scenario import Scenario

Progress = Callable[[str, int, int], None]
"""``progress(lens key, done, total)``: ``(key, 0, 0)`` when a lens starts, then its own
``(done, total)`` reports on long work."""


class Session:
    """Lens results for one scenario under one set of settings.

    Parameters
    ----------
    scenario:
        A validated scenario or a prepared one.
    settings:
        Shared settings (default: :class:`Settings` defaults).
    progress:
        ``progress(key, done, total)``: ``(key, 0, 0)`` before a lens runs (not for
        cached results), then the lens's own progress on long work.
    client:
        A ``dask.distributed.Client`` for lenses that can spread work (the
        uncertainty lens); ``None``: local. Results do not depend on it.

    Examples
    --------
    >>> from peacetable.scenarios import load_builtin
    >>> session = Session(load_builtin())
    >>> session.result("zopa") is session.result("zopa")
    True
    """

    def __init__(
        self,
        scenario: Scenario | PreparedScenario,
        settings: Settings | None = None,
        *,
        progress: Progress | None = None,
        client: Any = None,
    ) -> None:
        self.prepared = prepare(scenario)
        self.settings = settings if settings is not None else Settings()
        self.progress = progress
        self.client = client
        self._cache: dict[tuple[str, Hashable], Result] = {}

    def task_progress(self, key: str) -> Callable[[int, int], None] | None:
        """A ``(done, total)`` callback reporting lens *key*'s progress, or ``None``."""
        progress = self.progress
        if progress is None:
            return None

        def report(done: int, total: int) -> None:
            progress(key, done, total)

        return report

    @property
    def scenario(self) -> Scenario:
        """The scenario."""
        return self.prepared.scenario

    def lens_settings(self, key: str, **options: Any) -> Any:
        """The settings block lens *key* runs with (shared settings, lens options, *options*)."""
        return lens_settings(get_lens(key).settings, self.settings, key, options)

    def result(self, key: str, **options: Any) -> Result:
        """The result of lens *key* (run once per settings), or ``NotApplicable``.

        Parameters
        ----------
        key:
            The lens key (see :data:`peacetable.core.registry.LENSES`).
        **options:
            Settings of this call that differ from the session's (e.g.
            ``proposal="seven-points"``).

        Raises
        ------
        InputError
            Unknown lens or option, or a bad argument.
        """
        lens = get_lens(key)
        block = lens_settings(lens.settings, self.settings, key, options)
        cache_key = (key, _hashable(block))
        hit = self._cache.get(cache_key)
        if hit is not None:
            return hit
        if self.progress is not None:
            self.progress(key, 0, 0)
        start = time.perf_counter()
        try:
            result = lens.run(self.prepared, block, self)
        except AnalysisError as exc:
            result = NotApplicable(str(exc))
        result = with_seconds(result, time.perf_counter() - start)
        self._cache[cache_key] = result
        return result

    def cached(self, key: str, **options: Any) -> Result | None:
        """The result of lens *key* if it has already been computed, else ``None``."""
        block = self.lens_settings(key, **options)
        return self._cache.get((key, _hashable(block)))


def _hashable(value: Any) -> Hashable:
    """A hashable, order-stable key of a settings block."""
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), _hashable(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_hashable(v) for v in value)
    if hasattr(value, "__dataclass_fields__"):
        return (type(value).__name__, _hashable(vars(value)))
    return value if isinstance(value, Hashable) else repr(value)
