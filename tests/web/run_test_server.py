"""Start a real uvicorn server for the loopback tests: ``python run_test_server.py SETTINGS_JSON``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from peacetable.web.config import PasswordPolicy, RateLimits, WebSettings
from peacetable.web.server import run

if __name__ == "__main__":
    cfg = json.loads(sys.argv[1])
    port = int(cfg["port"])
    settings = WebSettings(
        data_dir=Path(cfg["data_dir"]),
        database_url=cfg.get("url"),
        base_url=f"http://127.0.0.1:{port}",
        passwords=PasswordPolicy(time_cost=1, memory_cost_kib=1024, parallelism=1),
        rate_limits=RateLimits(
            login="1000000/minute", login_per_account="1000000/minute", invite="1000000/minute"
        ),
    )
    run(
        settings,
        "127.0.0.1",
        port,
        workers=int(cfg.get("workers", 1)),
        log_level="warning",
        announce=lambda s: print(s, flush=True),
    )
