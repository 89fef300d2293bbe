"""Models of anxin.trust (see apps.py)."""
