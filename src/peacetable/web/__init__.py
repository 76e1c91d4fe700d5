"""The mediation server: confidential party input, one negotiating text, a verifiable record.

Run it with ``peacetable serve`` (see ``docs/web.md``). In Python::

    from peacetable.web.app import create_app
    from peacetable.web.config import WebSettings

    app = create_app(WebSettings(data_dir=...))   # a FastAPI app; serve it with uvicorn

Layout: :mod:`~peacetable.web.config` (settings), :mod:`~peacetable.web.db` and
:mod:`~peacetable.web.models` (database, migrations in ``migrations/``),
:mod:`~peacetable.web.permissions` and :mod:`~peacetable.web.deps` (who may do what, checked
in one place), :mod:`~peacetable.web.schemas` (request bodies), ``routers/`` (HTTP, one
module per resource), ``services/`` (what the server does), :mod:`~peacetable.web.elicitation`
and :mod:`~peacetable.web.merge` (a party's input and the merged scenario),
:mod:`~peacetable.web.analysis` (every call into peacetable's analysis),
:mod:`~peacetable.web.merkle`, :mod:`~peacetable.web.record` and :mod:`~peacetable.web.verify`
(the tamper-evident record), :mod:`~peacetable.web.security` and
:mod:`~peacetable.web.middleware` (passwords, CSRF, rate limits, headers).
"""
