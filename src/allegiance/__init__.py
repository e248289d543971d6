"""Allegiance: sourced, structured data on political crises from news coverage."""

__version__ = "0.1.0"
