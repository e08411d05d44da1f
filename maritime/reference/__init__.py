"""Bundled offline geography for the whole Earth.

Land and distance to shore (``coast``), World Port Index ports and Eastern Pacific anchorages
(``ports``), and the default patrol zones, which stay the Eastern Pacific ones (``zones``).
"""
