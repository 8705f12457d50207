"""The report build: registry of reports, execution of notebooks, HTML and PDF export."""
