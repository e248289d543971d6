"""Learned revision of the rule events: features, models, training and the extraction seam."""
