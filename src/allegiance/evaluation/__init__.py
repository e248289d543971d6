"""Evaluation against the hand-annotated gold."""
