"""Language and time: the spaCy pipeline and the dates sentences refer to."""
