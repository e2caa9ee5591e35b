"""Organisations: missions, ministries, NGOs, international organisations and their staff."""
