"""A real server process on loopback and HTTP peers that talk to it like browsers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from webtest_support import PASSWORD, _free_port, token_of

from peacetable.scenarios import load_builtin

SRC = Path(__file__).resolve().parents[2] / "src"


def wait_until_answering(
    proc: subprocess.Popen[Any], url: str, output: list[str] | None = None, within: float = 60.0
) -> None:
    """Return once ``GET url`` answers 200; raise if *proc* exits first (with its
    *output*, when it is being read) or after *within* seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            time.sleep(0.2)  # the last lines of its output
            raise RuntimeError("server died:\n" + "\n".join(output or []))
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"server did not start within {within:g} s")


class Server:
    """``run_test_server.py`` in a subprocess; ``kill()`` sends SIGKILL."""

    def __init__(self, data_dir: Path, url: str | None, workers: int = 1) -> None:
        self.data_dir, self.url, self.port = data_dir, url, _free_port()
        self.workers = workers
        self.base = f"http://127.0.0.1:{self.port}"
        self.lines: list[str] = []
        self.proc: subprocess.Popen[str] | None = None

    def start(self) -> Server:
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
        }
        cfg = json.dumps(
            {
                "data_dir": str(self.data_dir),
                "url": self.url,
                "port": self.port,
                "workers": self.workers,
            }
        )
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("run_test_server.py")), cfg],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        threading.Thread(target=self._drain, daemon=True).start()
        wait_until_answering(self.proc, self.base + "/api/auth/csrf", self.lines)
        return self

    def _drain(self) -> None:
        """Read the server's output (so it never blocks on a full pipe)."""
        assert self.proc is not None and self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip())

    @property
    def setup_link(self) -> str | None:
        found = [ln for ln in self.lines if "set-up link" in ln]
        return found[0].rsplit(" ", 1)[1] if found else None

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


class Peer:
    """One browser-like client: keeps its cookies (also Secure ones, over loopback) and CSRF token."""

    def __init__(self, base: str) -> None:
        self.http = httpx.Client(base_url=base, timeout=120)
        self.cookies: dict[str, str] = {}
        self.csrf = self.request("GET", "/api/auth/csrf").json()["csrf_token"]

    def request(self, method: str, url: str, **kw: Any) -> httpx.Response:
        headers = dict(kw.pop("headers", {}))
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method != "GET" and hasattr(self, "csrf"):
            headers["X-CSRF-Token"] = self.csrf
        r = self.http.request(method, url, headers=headers, **kw)
        for raw in r.headers.get_list("set-cookie"):
            name, value = raw.split(";", 1)[0].split("=", 1)
            if "max-age=0" in raw.lower() or not value.strip('"'):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        if r.headers.get("content-type", "").startswith("application/json"):
            data = r.json()
            if isinstance(data, dict) and "csrf_token" in data:
                self.csrf = data["csrf_token"]
        return r

    def get(self, url: str, **kw: Any) -> httpx.Response:
        return self.request("GET", url, **kw)

    def post(self, url: str, **kw: Any) -> httpx.Response:
        return self.request("POST", url, **kw)

    def close(self) -> None:
        self.http.close()


def mediator_with_negotiations(server: Server, count: int) -> tuple[Peer, list[str]]:
    """The organiser of a fresh server and *count* negotiations, each with draft 1 published."""
    link = server.setup_link
    assert link is not None, server.lines
    m = Peer(server.base)
    r = m.post(f"/api/setup/{token_of(link)}", json={"username": "mediator", "password": PASSWORD})
    assert r.status_code == 200, r.text
    plan = dict(load_builtin().proposal("seven-points").package)
    nids = []
    for _ in range(count):
        nid = m.post("/api/negotiations", json={"scenario_id": "ukraine-2022"}).json()["id"]
        assert (
            m.post(
                f"/api/negotiations/{nid}/drafts", json={"title": "Plan", "package": plan}
            ).status_code
            == 201
        )
        assert m.post(f"/api/negotiations/{nid}/drafts/1/publish").status_code == 200
        nids.append(nid)
    return m, nids


def join_party(server: Server, m: Peer, nid: str, party: str, name: str) -> Peer:
    r = m.post(f"/api/negotiations/{nid}/invites", json={"role": "party", "party": party})
    assert r.status_code == 201, r.text
    p = Peer(server.base)
    r = p.post(
        f"/api/invites/{token_of(r.json()['link'])}/accept",
        json={"username": name, "password": PASSWORD},
    )
    assert r.status_code == 200, r.text
    return p


def check_acknowledged(m: Peer, nid: str, acked: list[dict[str, Any]]) -> dict[str, Any]:
    """Every acknowledged write is in the database and in the record, and the record verifies."""
    from peacetable.web.services.transfer import verify_document
    from peacetable.web.verify import verify_export

    export = m.get(f"/api/negotiations/{nid}/export").json()
    report = verify_export(export)
    assert report.ok, report.findings
    verify_document(export)  # every stored item opens its commitment in the record
    entries = [json.loads(e["entry"]) for e in export["record"]["entries"]]
    stored = {x["commitment"] for x in [*export["submissions"], *export["responses"]]}
    for ack in acked:
        assert entries[ack["seq"]]["data"]["commitment"] == ack["commitment"]
        assert ack["commitment"] in stored
    committed = [e for e in entries if e["kind"] in ("preferences_submitted", "response")]
    assert len(committed) == len(stored)  # nothing in the record without its row, or vice versa
    assert m.get(f"/api/negotiations/{nid}").json()["record_size"] == len(entries)
    return export
