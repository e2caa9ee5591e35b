"""Meetings of the Convention: formal and informal, with their times, place and status."""
