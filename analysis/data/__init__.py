"""Curated tables: loading, validation against the Data Package, provenance of each figure."""
