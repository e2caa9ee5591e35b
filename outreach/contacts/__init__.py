"""Contacts: people, their postings over time, expertise, duplicates and personal data."""
