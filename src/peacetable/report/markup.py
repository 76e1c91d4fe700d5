"""Small HTML builders that escape every piece of text they are given.

Scenario files are user input: every name, label and description that reaches
the briefing goes through :func:`html.escape`. Builders return :class:`Markup`
(already-safe HTML); plain ``str`` arguments are always escaped, ``Markup``
arguments are inserted as they are.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence


class Markup(str):
    """A string of HTML that is safe to insert as it is."""

    __slots__ = ()


Content = str | Markup


def escape(text: Content) -> Markup:
    """*text* escaped for HTML (``Markup`` passes through unchanged)."""
    if isinstance(text, Markup):
        return text
    return Markup(html.escape(str(text), quote=True))


def join(parts: Iterable[Content], sep: str = "") -> Markup:
    """Escaped *parts* joined by the (escaped) separator."""
    return Markup(escape(sep).join(escape(p) for p in parts))


def tag(name: str, content: Content = "", **attrs: str | None) -> Markup:
    """``<name attrs>content</name>``; attribute values are escaped, ``None`` drops one.

    A trailing underscore in an attribute name is removed (``class_`` → ``class``)
    and other underscores become hyphens (``aria_label`` → ``aria-label``).
    """
    rendered = "".join(
        f' {k.rstrip("_").replace("_", "-")}="{html.escape(v, quote=True)}"'
        for k, v in attrs.items()
        if v is not None
    )
    return Markup(f"<{name}{rendered}>{escape(content)}</{name}>")


def para(*parts: Content, class_: str | None = None) -> Markup:
    """A paragraph of the (escaped) parts."""
    return tag("p", join(parts), class_=class_)


def strong(text: Content) -> Markup:
    """Bold text."""
    return tag("strong", text)


def bullets(items: Iterable[Content]) -> Markup:
    """An unordered list (empty string for no items)."""
    rows = [tag("li", item) for item in items]
    return Markup(f"<ul>{''.join(rows)}</ul>") if rows else Markup("")


def table(
    headers: Sequence[Content],
    rows: Iterable[Sequence[Content]],
    *,
    caption: Content | None = None,
    numeric: Sequence[int] = (),
) -> Markup:
    """A table with a header row; columns listed in *numeric* are right-aligned."""
    head = "".join(tag("th", h, scope="col") for h in headers)
    body = []
    for row in rows:
        cells = "".join(
            tag("td", cell, class_="num" if k in numeric else None) for k, cell in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    cap = tag("caption", caption) if caption is not None else ""
    return Markup(
        f'<div class="table-wrap"><table>{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def verdict(accepts: bool) -> Markup:
    """ "accepts" / "rejects" with a symbol, so the meaning never rests on colour alone."""
    if accepts:
        return Markup('<span class="yes">✓ accepts</span>')
    return Markup('<span class="no">✗ rejects</span>')


def yes_no(flag: bool) -> Markup:
    """✓ yes / ✗ no."""
    return Markup('<span class="yes">✓ yes</span>' if flag else '<span class="no">✗ no</span>')


def fmt(value: float, digits: int = 3) -> str:
    """A number with a fixed number of decimals (minus sign, not hyphen)."""
    return f"{value:.{digits}f}".replace("-", "−")


def signed(value: float, digits: int = 3) -> str:
    """A number with an explicit sign."""
    return f"{value:+.{digits}f}".replace("-", "−")


def pct(value: float) -> str:
    """A fraction as a percentage with no decimals."""
    return f"{100 * value:.0f} %"


def plural(n: int, word: str, words: str | None = None) -> str:
    """``"1 party"`` / ``"3 parties"``."""
    return f"{n:,} {word if n == 1 else (words or word + 's')}"


def series(items: Sequence[str], conjunction: str = "and") -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"
