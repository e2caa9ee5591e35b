"""Answers through personal links: RSVP, unsubscribe, and the calendar feeds."""
