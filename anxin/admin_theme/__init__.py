"""The Django admin's look (ADR 20): Unfold, our Chinese catalogue for its strings, and the order of its apps."""
