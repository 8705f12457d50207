"""Presentation: formatting, messages, charts and the blocks a report is made of."""
