"""Actors: the knowledge base and the resolution of mentions to actors."""
