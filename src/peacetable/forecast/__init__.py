"""Forecasting: where bargaining among actors of unequal power probably ends."""
