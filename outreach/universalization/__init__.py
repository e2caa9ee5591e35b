"""Universalization: each non-party State's engagement stage, its history, and the board."""
