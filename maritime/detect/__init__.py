"""Event detection over stored positions: loitering, dark periods, rendezvous, identity conflicts.

Pure logic (arrays in, :class:`maritime.detect.events.Event` out) lives in ``tracks``,
``loitering``, ``rendezvous`` and ``dark``; ``runner`` is the only DuckDB adapter
(:func:`maritime.detect.runner.run_detection`), ``cli`` the command-line one. Every threshold
is in ``defaults.toml`` (see :mod:`maritime.detect.config`).
"""
