"""Temporal workflows: thin deterministic drivers over the rules in models/."""
