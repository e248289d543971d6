"""Outputs: exports and the report."""
