"""The floor of the write benchmark: a bare FastAPI endpoint served like the mediation server.

``python benchmarks/web_floor_app.py PORT`` serves ``POST /write`` (a plain
``def`` endpoint, run in the thread pool like the server's, that accepts the
same JSON body and answers 201) and ``GET /csrf`` (for the start-up probe),
with uvicorn's defaults (uvloop and httptools when installed) in one
process. What the load generator measures against it is the cost of HTTP,
FastAPI and the clients alone on this machine: no middleware, sign-in,
validation or database.
"""

from __future__ import annotations

import sys
from typing import Any

import uvicorn
from fastapi import Body, FastAPI

app = FastAPI()


@app.post("/write", status_code=201)
def write(body: dict[str, Any] = Body(...)) -> dict[str, int]:  # noqa: B008 (FastAPI idiom)
    return {"version": len(body)}


@app.get("/csrf")
def csrf() -> dict[str, str]:
    return {"csrf_token": "-"}


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
