"""XML read safely: entity declarations and external references are refused by peacetable.

Every XML reader of peacetable (GENIUS domains and profiles, KTAB SMP
scenarios) parses through :func:`parse_xml`, which uses ``defusedxml``: an
entity declaration ("billion laughs"), an external entity or an external DTD
is refused whatever the installed expat's own limits are. The file size is
checked before reading; syntax errors carry their line and 1-based column.
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

import defusedxml
import defusedxml.ElementTree as SafeET

from peacetable.errors import InputError, Location
from peacetable.io.textfiles import ErrorType, one_line, read_bytes

__all__ = ["XmlDocument", "parse_xml", "parse_xml_bytes"]


@dataclass(frozen=True)
class XmlDocument:
    """A parsed XML file: its root element and where each element starts.

    Examples
    --------
    >>> doc = parse_xml_bytes(b"<a>\\n  <b x='1'/></a>", "x.xml")
    >>> b = doc.root.find("b")
    >>> str(doc.at(b, "b"))
    'x.xml:2:3: b'
    """

    root: ET.Element
    file: str
    lines: dict[int, tuple[int, int]] = field(default_factory=dict, repr=False)

    def at(self, element: ET.Element | None, field: str | None = None) -> Location:
        """The location of *element* (its start tag) in the file, with *field*."""
        line, column = self.lines.get(id(element), (None, None))
        return Location(self.file, line, column, field)


class _LocatingParser(SafeET.DefusedXMLParser):
    """defusedxml's parser, recording the line and column of every start tag."""

    def __init__(self) -> None:
        super().__init__(forbid_dtd=False, forbid_entities=True, forbid_external=True)
        self.lines: dict[int, tuple[int, int]] = {}

    def _start(self, tag: Any, attr_list: Any) -> Any:
        element = super()._start(tag, attr_list)  # type: ignore[misc]
        self.lines[id(element)] = (
            self.parser.CurrentLineNumber,
            self.parser.CurrentColumnNumber + 1,
        )
        return element


def parse_xml(
    path: str | os.PathLike[str], *, label: str | None = None, error: ErrorType = InputError
) -> XmlDocument:
    """The XML file *path*, parsed safely within the file size limit.

    Raises
    ------
    PeacetableError
        (*error*, default :class:`InputError`) unreadable or too large file,
        malformed XML (line and 1-based column), an entity declaration or an
        external reference.
    """
    file = label if label is not None else str(path)
    return parse_xml_bytes(read_bytes(path, label=file, error=error), file, error=error)


def parse_xml_bytes(data: bytes, file: str, *, error: ErrorType = InputError) -> XmlDocument:
    """Parse XML *data* safely (see :func:`parse_xml`).

    Examples
    --------
    >>> parse_xml_bytes(b"<a><b/></a>", "x.xml").root.tag
    'a'
    >>> parse_xml_bytes(b'<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', "bomb.xml")
    Traceback (most recent call last):
    ...
    peacetable.errors.InputError: bomb.xml:1:14: XML entity declarations and external references are refused (EntitiesForbidden); peacetable reads plain XML
    >>> parse_xml_bytes(b"<a>\\n<b></a>", "bad.xml")
    Traceback (most recent call last):
    ...
    peacetable.errors.InputError: bad.xml:2:6: invalid XML: mismatched tag
    """
    parser = _LocatingParser()
    try:
        parser.feed(data)
        root: ET.Element = parser.close()
    except ET.ParseError as exc:
        line, column = exc.position
        reason = re.sub(r": line \d+, column \d+$", "", str(exc))
        raise error(one_line(f"invalid XML: {reason}"), Location(file, line, column + 1)) from None
    except defusedxml.DefusedXmlException as exc:
        raise error(
            "XML entity declarations and external references are refused "
            f"({type(exc).__name__}); peacetable reads plain XML",
            Location(file, *_declaration_position(data)),
        ) from None
    except (LookupError, ValueError) as exc:  # an unknown encoding in the XML declaration
        raise error(one_line(f"invalid XML: {exc}"), Location(file, 1, 1)) from None
    return XmlDocument(root, file, parser.lines)


def _declaration_position(data: bytes) -> tuple[int | None, int | None]:
    """Line and column of the first entity declaration (else of the DOCTYPE)."""
    offset = data.find(b"<!ENTITY")
    if offset < 0:
        offset = data.find(b"<!DOCTYPE")
    if offset < 0:
        return None, None
    line = data.count(b"\n", 0, offset) + 1
    return line, offset - (data.rfind(b"\n", 0, offset) + 1) + 1
