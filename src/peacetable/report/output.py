"""Writing a briefing and its static images to disk, atomically.

Files are written like every other output of peacetable
(:func:`peacetable.io.write_text_atomic`): a file that replaces another keeps
its permissions, a new one gets ``0644`` less the umask.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from peacetable.errors import InputError, PeacetableError
from peacetable.io import write_bytes_atomic, write_text_atomic
from peacetable.report.builder import Report
from peacetable.report.charts import Chart
from peacetable.report.page import render_page

#: Image formats written by :func:`export_images`.
IMAGE_FORMATS: tuple[str, ...] = ("png", "svg")


def write_report(report: Report, path: str | os.PathLike[str]) -> Path:
    """Write the self-contained HTML briefing of *report* to *path* (atomically).

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    InputError
        When the folder of *path* does not exist.
    PeacetableError
        When plotly is not installed.
    """
    target = Path(path)
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(f"cannot write {target}: folder {parent} does not exist")
    try:
        html = render_page(report)
    except ImportError as exc:
        raise PeacetableError(
            f"the HTML briefing needs plotly ({exc}); install it with: pip install 'peacetable[report]'"
        ) from exc
    write_text_atomic(target, html)
    return target


def export_images(
    report: Report,
    directory: str | os.PathLike[str],
    formats: Sequence[str] = IMAGE_FORMATS,
    *,
    progress: Callable[[Chart], None] | None = None,
) -> list[Path]:
    """Write every chart of *report* as static images (matplotlib, no browser needed).

    Files are named ``figNN-<key>.<format>`` (``NN`` the figure number in the
    briefing) and carry the chart's title and text alternative as metadata.

    Parameters
    ----------
    report:
        A built report.
    directory:
        Folder to write into (created if missing).
    formats:
        Any of ``"png"``, ``"svg"``.
    progress:
        Called with each chart before it is drawn.

    Returns
    -------
    list of Path
        The files written, in figure order.

    Raises
    ------
    InputError
        For an unknown format, or when *directory* exists and is not a folder.
    PeacetableError
        When matplotlib is not installed.
    """
    try:
        import matplotlib  # noqa: F401

        from peacetable.report.static import render_formats
    except ImportError as exc:
        raise PeacetableError(
            f"static images need matplotlib ({exc}); install it with: pip install 'peacetable[report]'"
        ) from exc

    for fmt in formats:
        if fmt not in IMAGE_FORMATS:
            raise InputError(
                f"unknown image format {fmt!r}; choose from {', '.join(IMAGE_FORMATS)}"
            )
    folder = Path(directory)
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{folder} exists and is not a folder")
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for chart in report.charts:
        if progress is not None:
            progress(chart)
        for fmt, data in render_formats(chart, formats).items():
            path = folder / f"{chart.file_stem}.{fmt}"
            write_bytes_atomic(path, data)
            written.append(path)
    return written
