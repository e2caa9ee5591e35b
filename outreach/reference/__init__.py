"""The treaty facts: States and their CCM status, thematic areas, and the shipped public data."""
