"""Fuzzing every reader: mutated valid files raise nothing but peacetable's own errors.

Each example mutates a small valid input (insertions of fragments that once
broke a reader, number replacements, deletions, duplications, byte flips),
reads it with the reader of its kind, and requires that the reader either
returns or raises a :class:`~peacetable.errors.PeacetableError` -- within a
per-example budget of time (an alarm, and hypothesis's deadline) and of
memory (the peak traced by ``tracemalloc``, which numpy reports to).
"""

from __future__ import annotations

import json
import re
import signal
import tempfile
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from _seed_inputs import NASTY, SEEDS, Seed
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peacetable.errors import PeacetableError

#: Per-example budgets: wall time (hard alarm) and peak traced memory.
SECONDS = 20
PEAK_BYTES = 256 * 1024 * 1024
#: Examples per kind of input (13 kinds): the whole fuzz test stays well under 30 s.
EXAMPLES = 60

_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?![\w.])")
_TOKEN = re.compile(r'-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|"[^"\n]*"|\'[^\'\n]*\'|\w+|\s+|.')

#: Values a structural mutation puts in place of a JSON value.
ODD_VALUES: tuple[object, ...] = (
    None, True, -1, 0, 1, 2.5, 10**400, 10**30, -(10**9), "", "x", "Y", "N", [], {}, [0],
    [[1, 1]], {"a": 1}, "9" * 200, [[[[[]]]]],
)  # fmt: skip

#: Numbers that once broke a reader (header counts, ranking entries, utilities, depths).
ODD_NUMBERS: tuple[str, ...] = (
    "-1", "0", "-3", "1000000000", "1e400", "-1e400", "9" * 5000, "1" + "0" * 400, "NaN",
    "Infinity", "2.5", "", "1e-400", "4294967297", "-0",
)  # fmt: skip

MUTATION = st.one_of(
    st.tuples(st.just("number"), st.integers(0, 1 << 20), st.sampled_from(ODD_NUMBERS)),
    st.tuples(st.just("token"), st.integers(0, 1 << 20), st.sampled_from(NASTY)),
    st.tuples(st.just("drop_token"), st.integers(0, 1 << 20), st.integers(1, 3)),
    st.tuples(st.just("copy_token"), st.integers(0, 1 << 20), st.integers(0, 1 << 20)),
    st.tuples(st.just("line"), st.integers(0, 1 << 20), st.sampled_from(["drop", "copy", "cut"])),
    st.tuples(st.just("insert"), st.integers(0, 1 << 20), st.sampled_from(NASTY)),
    st.tuples(st.just("char"), st.integers(0, 1 << 20), st.integers(0, 0x2FF)),
    st.tuples(st.just("json"), st.integers(0, 1 << 20), st.sampled_from(ODD_VALUES)),
)


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _json_mutation(text: str, at: int, value: object) -> str:
    """Replace the *at*-th value of a JSON document (any depth) by *value*; else no change."""
    try:
        data = json.loads(text)
    except ValueError:
        return text
    slots: list[tuple[object, object]] = []
    stack = [data]
    while stack:
        node = stack.pop()
        keys = (
            list(node)
            if isinstance(node, dict)
            else range(len(node))
            if isinstance(node, list)
            else []
        )
        for key in keys:
            slots.append((node, key))
            stack.append(node[key])  # type: ignore[index]
    if not slots:
        return text
    parent, key = slots[at % len(slots)]
    if isinstance(parent, dict) and at % 7 == 0:
        del parent[key]
    else:
        parent[key] = value  # type: ignore[index]
    return json.dumps(data, indent=1)


def mutate(text: str, mutations: list[tuple[str, int, object]]) -> bytes:
    """Apply *mutations* to *text*; return the bytes (lone surrogates become invalid UTF-8)."""
    for action, at, arg in mutations:
        k = at % (len(text) + 1)
        if action == "number":
            numbers = list(_NUMBER.finditer(text))
            if numbers:
                m = numbers[at % len(numbers)]
                text = text[: m.start()] + str(arg) + text[m.end() :]
        elif action in ("token", "drop_token", "copy_token"):
            tokens = [t for t in _tokens(text)]
            solid = [i for i, t in enumerate(tokens) if not t.isspace()]
            if not solid:
                continue
            i = solid[at % len(solid)]
            if action == "token":
                tokens[i] = str(arg)
            elif action == "drop_token":
                del tokens[i : i + int(str(arg))]
            else:
                tokens[i] = tokens[solid[int(str(arg)) % len(solid)]]
            text = "".join(tokens)
        elif action == "line":
            lines = text.split("\n")
            j = at % len(lines)
            if arg == "drop":
                del lines[j]
            elif arg == "copy":
                lines.insert(j, lines[j])
            else:
                lines[j] = lines[j][: len(lines[j]) // 2]
            text = "\n".join(lines)
        elif action == "insert":
            text = text[:k] + str(arg) + text[k:]
        elif action == "json":
            text = _json_mutation(text, at, arg)
        else:
            text = text[:k] + chr(int(str(arg))) + text[k + 1 :]
    return text.encode("utf-8", "surrogatepass")


@contextmanager
def budget(seconds: int = SECONDS, trace_memory: bool = True) -> Iterator[None]:
    """Fail (TimeoutError) past *seconds*; fail past :data:`PEAK_BYTES` of traced memory."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"over {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    if trace_memory:
        tracemalloc.start()
    try:
        yield
        if trace_memory:
            peak = tracemalloc.get_traced_memory()[1]
            assert peak < PEAK_BYTES, f"peak memory {peak / 2**20:.0f} MiB"
    finally:
        if trace_memory:
            tracemalloc.stop()
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def read_mutated(seed: Seed, data: bytes) -> None:
    """Read *data* as *seed*'s kind of file: only PeacetableError may escape."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / seed.name
        path.write_bytes(data)
        with budget():
            try:
                seed.read(path)
            except PeacetableError as exc:
                assert str(exc), "an error needs a message"


@pytest.mark.parametrize("seed", SEEDS, ids=[s.kind for s in SEEDS])
def test_seed_inputs_are_valid(seed: Seed) -> None:
    read_mutated(seed, seed.text.encode("utf-8"))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / seed.name
        path.write_text(seed.text, "utf-8")
        seed.read(path)  # no error at all


@pytest.mark.parametrize("seed", SEEDS, ids=[s.kind for s in SEEDS])
@settings(
    max_examples=EXAMPLES,
    deadline=timedelta(seconds=5),
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(mutations=st.lists(MUTATION, min_size=1, max_size=3))
def test_mutated_inputs_raise_only_peacetable_errors(
    seed: Seed, mutations: list[tuple[str, int, object]]
) -> None:
    read_mutated(seed, mutate(seed.text, mutations))
