"""Models of anxin.uploads (see apps.py)."""
