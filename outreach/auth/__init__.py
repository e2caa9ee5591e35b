"""Users, roles, sign-in, revocable sessions and API tokens."""
