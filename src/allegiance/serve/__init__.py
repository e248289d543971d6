"""`allegiance serve`: a JSON API and a dashboard over the store, answered from a private snapshot."""
