"""Bundled geographic reference data: Eastern Pacific ports, anchorages and patrol zones."""
