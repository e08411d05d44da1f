"""Event detection over stored positions: loitering, dark periods, rendezvous, identity conflicts,
apparent fishing.

Pure logic (arrays in, :class:`maritime.detect.events.Event` out) lives in ``tracks``,
``loitering``, ``rendezvous``, ``dark`` (with its reception model), ``fishing``, ``compose`` (the one
order of the detectors), ``inputs`` (positions and zones as detector inputs) and
``planning`` (incremental windows and reconciliation), ``settings`` (which zones and
thresholds a run uses: given, stored, bundled). ``runner`` is the DuckDB adapter
(:func:`maritime.detect.runner.run_detection`; :func:`~maritime.detect.runner.use_settings`
keeps the chosen zones and thresholds in ``detection_settings``), ``cluster`` the Dask one, ``cli`` the
command line. Every threshold is in ``defaults.toml`` (see :mod:`maritime.detect.config`).
"""
