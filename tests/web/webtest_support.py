"""Helpers for the web tests: settings, a CSRF-aware client, a populated negotiation, PostgreSQL."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from peacetable.scenarios import load_builtin
from peacetable.web.config import PasswordPolicy, RateLimits, WebSettings

FAST_PASSWORDS = PasswordPolicy(time_cost=1, memory_cost_kib=1024, parallelism=1)
NO_LIMITS = RateLimits(
    login="100000/minute", login_per_account="100000/minute", invite="100000/minute"
)
PASSWORD = "a long enough password"

# party B's submission carries these unusual values; none may reach party A or an observer
MARKER_WEIGHT = 73.1337
MARKER_RATING = 41.2718
MARKER_NO_DEAL = 58.5858
MARKER_COMMENT = "ZQXJ-MARKER-quokka"
MARKERS = ("73.1337", "41.2718", "58.5858", "0.585858", "0.412718", MARKER_COMMENT)


def settings_for(data_dir: Path, url: str | None = None, **changes: Any) -> WebSettings:
    """Settings for tests: fast Argon2id (still Argon2id), a given database."""
    base = WebSettings(
        data_dir=data_dir, database_url=url, passwords=FAST_PASSWORDS, base_url="https://testserver"
    )
    return base.with_(**changes) if changes else base


class Client:
    """A TestClient that fetches and sends the CSRF token like a browser page would."""

    def __init__(self, app: Any) -> None:
        self.http = TestClient(app, base_url="https://testserver")
        self.csrf = self.http.get("/api/auth/csrf").json()["csrf_token"]
        self.bodies: list[str] = []

    def _keep(self, response: Any) -> Any:
        self.bodies.append(response.text)
        if response.headers.get("content-type", "").startswith("application/json"):
            data = response.json()
            if isinstance(data, dict) and "csrf_token" in data:
                self.csrf = data["csrf_token"]
        return response

    def get(self, url: str, **kw: Any) -> Any:
        return self._keep(self.http.get(url, **kw))

    def request(self, method: str, url: str, **kw: Any) -> Any:
        headers = {"X-CSRF-Token": self.csrf, **kw.pop("headers", {})}
        return self._keep(self.http.request(method, url, headers=headers, **kw))

    def post(self, url: str, **kw: Any) -> Any:
        return self.request("POST", url, **kw)

    def delete(self, url: str, **kw: Any) -> Any:
        return self.request("DELETE", url, **kw)


def token_of(link: str) -> str:
    """The token at the end of an invitation or set-up link."""
    return link.rsplit("/", 1)[1]


def organiser(app: Any, name: str) -> Client:
    """A signed-in organiser account made through a set-up link."""
    from peacetable.web.services.accounts import create_setup_link

    c = Client(app)
    link = create_setup_link(app.state.ctx)
    r = c.post(f"/api/setup/{token_of(link)}", json={"username": name, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return c


def join(app: Any, link: str, name: str) -> Client:
    """A new account that joined with an invitation link."""
    c = Client(app)
    r = c.post(
        f"/api/invites/{token_of(link)}/accept", json={"username": name, "password": PASSWORD}
    )
    assert r.status_code == 200, r.text
    return c


def invite(mediator: Client, nid: str, role: str, party: str | None = None) -> str:
    r = mediator.post(f"/api/negotiations/{nid}/invites", json={"role": role, "party": party})
    assert r.status_code == 201, r.text
    return str(r.json()["link"])


def full_ranking(issue_ids: list[str] | None = None) -> dict[str, list[str]]:
    s = load_builtin()
    return {i.id: list(i.option_ids) for i in s.issues if issue_ids is None or i.id in issue_ids}


def b_preferences() -> dict[str, Any]:
    """Party B's submission with the marker values."""
    return {
        "weights": {"crimea": MARKER_WEIGHT, "donbas": 20, "ceasefire": 30},
        "ratings": {
            "crimea": {
                "non_recognition": 100,
                "supervised_vote": {"joins_russia": 0, "stays_ukraine": MARKER_RATING},
                "recognised": 0,
            }
        },
        "no_deal": MARKER_NO_DEAL,
        "note": MARKER_COMMENT,
    }


def a_preferences(no_deal: float = 40.0) -> dict[str, Any]:
    return {"weights": {"nato_offer": 30, "donbas": 20}, "no_deal": no_deal}


@dataclass
class World:
    """Two negotiations and the six principals of the authorisation matrix."""

    app: Any
    nid: str
    other_nid: str
    clients: dict[str, Client | None] = field(default_factory=dict)


def build_world(app: Any) -> World:
    """Mediator M of N (organiser), mediator of another negotiation, parties A (RU), B (UA), observer.

    B has submitted marker values; M has written and published draft 1 (the
    seven-point plan) and an unpublished draft 2; B has responded with a comment.
    """
    m = organiser(app, "mediator")
    nid = m.post("/api/negotiations", json={"scenario_id": "ukraine-2022"}).json()["id"]
    other = organiser(app, "othermediator")
    other_nid = other.post("/api/negotiations", json={"scenario_id": "ukraine-2022"}).json()["id"]
    a = join(app, invite(m, nid, "party", "RU"), "party_a")
    b = join(app, invite(m, nid, "party", "UA"), "party_b")
    o = join(app, invite(m, nid, "observer"), "observer")
    r = b.post(f"/api/negotiations/{nid}/my/submissions", json={"preferences": b_preferences()})
    assert r.status_code == 201, r.text
    r = a.post(f"/api/negotiations/{nid}/my/submissions", json={"preferences": a_preferences()})
    assert r.status_code == 201, r.text
    plan = dict(load_builtin().proposal("seven-points").package)
    r = m.post(f"/api/negotiations/{nid}/drafts", json={"title": "Seven points", "package": plan})
    assert r.status_code == 201, r.text
    assert m.post(f"/api/negotiations/{nid}/drafts/1/publish").status_code == 200
    r = m.post(
        f"/api/negotiations/{nid}/drafts",
        json={"title": "Revised", "package": {**plan, "venue": "neutral"}, "based_on": 1},
    )
    assert r.status_code == 201, r.text
    r = b.post(
        f"/api/negotiations/{nid}/published/1/responses",
        json={"verdict": "comment", "comment": MARKER_COMMENT, "cannot_live_with": ["crimea"]},
    )
    assert r.status_code == 201, r.text
    return World(
        app,
        nid,
        other_nid,
        {
            "anonymous": None,
            "mediator": m,
            "other_mediator": other,
            "party_a": a,
            "party_b": b,
            "observer": o,
        },
    )


# ---------------------------------------------------------------- PostgreSQL


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


@dataclass
class PostgresCluster:
    """A throwaway PostgreSQL cluster on loopback (stopped by :meth:`stop`)."""

    admin_url: str
    stop_command: list[str] | None = None
    directory: str | None = None

    def new_database(self) -> str:
        """A fresh, empty database; its SQLAlchemy URL."""
        import psycopg

        name = "pt_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        base = self.admin_url.rsplit("/", 1)[0]
        return base.replace("postgresql://", "postgresql+psycopg://", 1) + "/" + name

    def stop(self) -> None:
        if self.stop_command:
            subprocess.run(self.stop_command, capture_output=True, check=False, timeout=60)
        if self.directory:
            shutil.rmtree(self.directory, ignore_errors=True)


def start_postgres() -> PostgresCluster | str:
    """A cluster from PEACETABLE_TEST_POSTGRES_URL, or a throwaway one; else why not (a string)."""
    given = os.environ.get("PEACETABLE_TEST_POSTGRES_URL")
    if given:
        return PostgresCluster(given.replace("postgresql+psycopg://", "postgresql://", 1))
    bindir = _pg_bin()
    if bindir is None:
        return (
            "PostgreSQL not found (install Debian's postgresql or set PEACETABLE_TEST_POSTGRES_URL)"
        )
    directory = tempfile.mkdtemp(prefix="pt-pg-")
    os.chmod(directory, 0o755)
    prefix: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    data = f"{directory}/data"
    port = _free_port()
    steps = [
        [str(bindir / "initdb"), "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8"],
        [
            str(bindir / "pg_ctl"),
            "-D",
            data,
            "-l",
            f"{directory}/log",
            "-w",
            "-t",
            "60",
            "-o",
            f"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c max_connections=200",
            "start",
        ],
    ]
    for cmd in steps:
        done = subprocess.run([*prefix, *cmd], capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            shutil.rmtree(directory, ignore_errors=True)
            return f"could not start PostgreSQL: {done.stderr.strip()[-300:]}"
    return PostgresCluster(
        f"postgresql://postgres@127.0.0.1:{port}/postgres",
        [*prefix, str(bindir / "pg_ctl"), "-D", data, "-m", "immediate", "stop"],
        directory,
    )
