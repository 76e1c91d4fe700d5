"""YAML within limits, with the line and column of every key and value.

:func:`parse_yaml` is the one way peacetable reads YAML. It loads safely (no
Python tags) with YAML 1.2 booleans (only ``true``/``false``), and while the
document is composed -- before any walk or construction -- it refuses, at the
line and column where the problem starts:

* nesting deeper than the ``max_depth`` limit;
* documents whose aliases expand to more nodes than ``max_nodes`` (each
  alias counts the size of the node it repeats, so a 2 KB "billion laughs"
  file is refused after a few hundred events, without expanding anything);
* recursive aliases (``x: &x [*x]``), which no scenario can mean;
* numbers with more digits than ``max_number_digits``.

Duplicate keys are refused (YAML would keep the last silently). The walk that
records positions visits each node once, so an alias costs one entry, not a
copy of what it repeats. Construction errors (an unknown tag, a bad date) are
located at their node. Every message is one line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any

import yaml
from yaml.composer import Composer, ComposerError
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from peacetable.errors import InputError, Location, PeacetableError
from peacetable.io.json_parse import Key, number_problem
from peacetable.io.limits import Limits, current_limits
from peacetable.io.textfiles import ErrorType, one_line
from peacetable.model.validate import dotted

__all__ = ["YamlLoader", "parse_yaml"]

_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"


class _LimitedComposer(Composer, SafeConstructor, Resolver):
    """PyYAML's composer with the limits checked as each node is composed; safe construction."""

    limits: Limits = Limits()

    if TYPE_CHECKING:  # provided by the parser the composer is combined with

        def peek_event(self) -> Any: ...

        def dispose(self) -> None: ...

    def _start_limits(self) -> None:
        self.limits = current_limits()
        self._depth = 0
        self._count = 0
        self._open: set[str] = set()
        self._sizes: dict[str, int] = {}

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event = self.peek_event()
        mark: Any
        if isinstance(event, yaml.AliasEvent):
            alias, mark = str(event.anchor), event.start_mark
            if alias in self._open:
                raise ComposerError(
                    None, None, f"alias *{alias} repeats a node that contains it", mark
                )
            self._add(self._sizes.get(alias, 1), mark)
            return super().compose_node(parent, index)
        if isinstance(event, yaml.ScalarEvent) and event.implicit[0] and not event.style:
            self._check_number(event)
        self._depth += 1
        try:
            if self._depth > self.limits.max_depth:
                raise ComposerError(
                    None,
                    None,
                    f"nested deeper than {self.limits.max_depth} levels "
                    "(raise the limit with PEACETABLE_MAX_DEPTH)",
                    event.start_mark,
                )
            start = self._count
            self._add(1, event.start_mark)
            anchor: str | None = getattr(event, "anchor", None)
            if anchor is not None:
                self._open.add(anchor)
            node = super().compose_node(parent, index)
            if anchor is not None:
                self._open.discard(anchor)
                self._sizes[anchor] = self._count - start
            return node
        finally:
            self._depth -= 1

    def _add(self, size: int, mark: Any) -> None:
        self._count += size
        if self._count > self.limits.max_nodes:
            raise ComposerError(
                None,
                None,
                f"the document holds more than {self.limits.max_nodes:,} values once its aliases "
                "are expanded (raise the limit with PEACETABLE_MAX_NODES)",
                mark,
            )

    def _check_number(self, event: Any) -> None:
        value = str(event.value)
        if len(value) <= 24:
            return
        tag = self.resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
        if tag in (_INT, _FLOAT):
            problem = number_problem(value.replace("_", ""), self.limits)
            if problem:
                raise ComposerError(None, None, problem, event.start_mark)

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except yaml.YAMLError:
            raise
        except (ValueError, TypeError, OverflowError, ArithmeticError) as exc:
            mark: Any = node.start_mark
            raise ConstructorError(None, None, f"cannot read this value ({exc})", mark) from None


class YamlLoader(Reader, Scanner, Parser, _LimitedComposer):
    """Safe YAML with YAML 1.2 booleans and the limits of :mod:`peacetable.io.limits` (pure Python)."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        self._start_limits()


_LOADER: Callable[[str], _LimitedComposer] = YamlLoader
if yaml.__with_libyaml__:  # pragma: no branch - libyaml is in the PyYAML wheels
    from yaml._yaml import CParser

    class _FastYamlLoader(_LimitedComposer, CParser):
        """The same, with libyaml's scanner and parser (about three times faster)."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
            self._start_limits()

    _LOADER = _FastYamlLoader


_LimitedComposer.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_LimitedComposer.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def _message(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or ""
    context = exc.context or ""
    tag = re.search(r"constructor for the tag '([^']*)'", problem)
    if tag:
        shown = tag.group(1).replace("tag:yaml.org,2002:", "!!")
        problem = f"unknown tag {shown!r}: peacetable reads plain YAML (no tags)"
    elif "found duplicate anchor" in context and exc.context_mark is not None:
        anchor = context.removeprefix("found duplicate anchor ").removesuffix("; first occurrence")
        problem = f"anchor {anchor} is defined twice (first on line {exc.context_mark.line + 1})"
    elif problem and context:
        problem = f"{problem} ({context})"
    return one_line(f"invalid YAML: {problem or context or 'not YAML'}")


def parse_yaml(
    text: str, file: str, *, error: ErrorType = InputError, check_duplicates: bool = True
) -> tuple[Any, dict[Key, tuple[int, int]]]:
    """Parse one YAML document within the limits; return its data and positions.

    Parameters
    ----------
    text:
        The document.
    file:
        The file name used in error locations.
    error:
        The error class raised (:class:`InputError` by default).
    check_duplicates:
        Refuse a mapping with the same key twice.

    Returns
    -------
    data, positions
        The plain data (``None`` for an empty document) and ``path → (line,
        column)``, 1-based, of every key (for mapping members) and value.

    Raises
    ------
    PeacetableError
        (*error*) each with its line and column.

    Examples
    --------
    >>> data, positions = parse_yaml("a: [1, 2]\\nb: no", "x.yaml")
    >>> data, positions[("a", 1)], positions[("b",)]
    ({'a': [1, 2], 'b': 'no'}, (1, 8), (2, 1))
    >>> parse_yaml("x: &x [*x]", "r.yaml")
    Traceback (most recent call last):
    ...
    peacetable.errors.InputError: r.yaml:1:8: invalid YAML: alias *x repeats a node that contains it
    """
    try:
        loader = _LOADER(text)
    except yaml.reader.ReaderError as exc:
        raise _reader_error(exc, text, file, error) from None
    try:
        node = loader.get_single_node()
        positions: dict[Key, tuple[int, int]] = {}
        if node is None:
            return None, positions
        _walk(node, positions, file, error, check_duplicates)
        return loader.construct_document(node), positions
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
        raise error(_message(exc), Location(file, line, col)) from None
    except yaml.reader.ReaderError as exc:
        raise _reader_error(exc, text, file, error) from None
    except yaml.YAMLError as exc:
        raise error(one_line(f"invalid YAML: {exc}"), Location(file)) from None
    except RecursionError:  # the depth limit prevents this; kept as a safety net
        raise error("invalid YAML: nested too deeply", Location(file)) from None
    finally:
        loader.dispose()


def _reader_error(
    exc: yaml.reader.ReaderError, text: str, file: str, error: ErrorType
) -> PeacetableError:
    """A character YAML does not allow (e.g. a NUL byte), at its line and column."""
    offset = max(0, int(exc.position))
    if _LOADER is not YamlLoader:  # libyaml counts bytes of the UTF-8 text
        offset = len(text.encode("utf-8", "surrogatepass")[:offset].decode("utf-8", "replace"))
    offset = min(offset, len(text))
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    char = exc.character
    code = ord(char) if isinstance(char, str) and len(char) == 1 else char
    shown = f"#x{code:04x}" if isinstance(code, int) else repr(char)
    return error(
        f"invalid YAML: character {shown} is not allowed in YAML text", Location(file, line, column)
    )


def _walk(
    root: yaml.Node,
    out: dict[Key, tuple[int, int]],
    file: str,
    error: ErrorType,
    check_duplicates: bool,
) -> None:
    """Record positions, visiting each node once (an alias is not walked again)."""
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, Key]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        out.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            keys: set[Hashable] = set()
            for key_node, value_node in node.value:
                key = str(key_node.value)
                where = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                if check_duplicates and key in keys:
                    raise error(
                        f"duplicate key {key!r}", Location(file, *where, dotted(path) or None)
                    )
                keys.add(key)
                out.setdefault((*path, key), where)
                stack.append((value_node, (*path, key)))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, (*path, k)) for k, item in enumerate(node.value))
