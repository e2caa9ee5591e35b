"""Interactions (the outreach log) and follow-ups."""
