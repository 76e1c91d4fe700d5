"""Conflict stability: the Graph Model for Conflict Resolution (GMCR)."""
