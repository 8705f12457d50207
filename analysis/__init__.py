"""Curated data, indicators and bilingual reports on the Belgian biotech and ATMP sector."""

__all__ = ["Dataset", "__version__", "load_data"]


def __getattr__(name: str) -> object:
    # Imported on first use: the command line must not pay for pandas when it does not
    # need it (e.g. a rebuild that finds every report up to date).
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("biotech-report")
        except PackageNotFoundError:  # run from a source folder that was never installed
            return "unknown"
    if name in __all__:
        from analysis.data import load

        return getattr(load, name)
    raise AttributeError(f"module 'analysis' has no attribute {name!r}")
