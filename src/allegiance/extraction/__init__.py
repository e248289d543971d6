"""Extraction: events, quotations and labels from each parsed article."""
