"""The coordinators' view of dialogues in their areas, and the printable country briefing."""
