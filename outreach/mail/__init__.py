"""The durable outbox and its delivery worker."""
