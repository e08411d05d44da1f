"""Event detection over stored positions: loitering, dark periods, rendezvous, identity conflicts.

Pure logic (arrays in, :class:`maritime.detect.events.Event` out) lives in ``tracks``,
``loitering``, ``rendezvous``, ``dark`` (with its reception model), ``compose`` (the one
order of the detectors), ``inputs`` (positions and zones as detector inputs) and
``planning`` (incremental windows and reconciliation). ``runner`` is the DuckDB adapter
(:func:`maritime.detect.runner.run_detection`), ``cluster`` the Dask one, ``cli`` the
command line. Every threshold is in ``defaults.toml`` (see :mod:`maritime.detect.config`).
"""
