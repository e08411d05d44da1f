"""Decoded-AIS CSV: column mappings, chunked reading, parsing and record tables.

Two layouts are read: NOAA **MarineCadastre**'s, recognised by its header, and any other
CSV through an explicit column mapping (``--columns``). The modules, in the order data
passes through them:

* :mod:`~maritime.decode.csv.mapping` -- which column holds which field;
* :mod:`~maritime.decode.csv.chunks` -- header, then chunks of whole lines;
* :mod:`~maritime.decode.csv.parsing` -- lines to typed Arrow columns, bad shapes rejected;
* :mod:`~maritime.decode.csv.fields` -- column conversions (numbers, times);
* :mod:`~maritime.decode.csv.rows` -- key fields checked, rejects, one batch per chunk;
* :mod:`~maritime.decode.csv.tables` -- position and identity tables, payload hashes;
* :mod:`~maritime.decode.csv.reader` -- :func:`~maritime.decode.csv.reader.read_csv_batches`,
  a stream to batches.

Conventions (shared with the NMEA decoders, see :mod:`maritime.records` and
:mod:`maritime.decode.unavailable`): "not available" values are NULL; names, call signs and
destinations are stripped of ``@`` padding and spaces; naive ISO times are UTC, times with
a zone offset are converted to UTC; ``msg_type`` is 1 (class A or unknown) or 18
(``TransceiverClass`` B) for positions and 5 or 24 (``part`` NULL) for identities;
``n_stations`` is 1; ``station`` is the mapped column where it is not empty, else the
``station`` argument. Records are one per physical line: a quoted field may contain commas
and doubled quotes but not a line break.
"""
