"""Indicators and the claims audit: pure functions from the curated tables to values."""
