"""Meeting audiences, invitation messages and their sending."""
