"""Bilateral dialogues: one per State and thematic area, with its status history."""
