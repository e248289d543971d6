"""Reading and cleaning: files and records in, clean articles with metadata out."""
