"""Section builders of the briefing, one module per engine.

Each module defines ``KEY``, ``TITLE`` and ``build(ctx) -> Section``; the
order and the list live in :data:`peacetable.report.builder.SECTIONS`.
"""
