"""Curated data, indicators and bilingual reports on the Belgian biotech and ATMP sector."""

from analysis.load import Dataset, load_data

__all__ = ["Dataset", "load_data"]
