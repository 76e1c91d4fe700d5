"""The one set of defaults every surface shares (plain constants: cheap to import).

:class:`peacetable.core.Settings` takes its defaults from here, and so do the
command-line options, the report and the web app.
"""

DEFAULT_SEED = 0
"""Seed of every random routine."""
DEFAULT_SAMPLES = 20_000
"""Sampled worlds of the uncertainty lens (acceptability, robust package)."""
DEFAULT_RIPENESS_SAMPLES = 1_000
"""Sampled worlds of the ripeness probabilities."""
DEFAULT_HORIZON = 36
"""Months the time-dependent lenses look ahead."""
DEFAULT_MAX_CHANGES = 2
"""Largest number of changed provisions the "what would it take" searches try."""
DEFAULT_TIME_LIMIT = 30.0
"""Seconds one lens may work before it answers approximately (labelled) or refuses."""
DEFAULT_ANALYZE_TIME_LIMIT = 60.0
"""Seconds ``analyze`` and ``report`` share among their long lenses."""
DEFAULT_MEMORY_LIMIT = 1 << 30
"""Bytes of working arrays one step of an engine may allocate (1 GiB)."""
DEFAULT_SCENARIO = "ukraine-2022"
"""Id of the embedded scenario used when none is named."""
