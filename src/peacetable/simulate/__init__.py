"""Negotiation simulation: protocols, strategies, tournaments (batched and seeded)."""
