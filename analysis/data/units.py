"""Units of the curated tables that both the validation and the reports need to know."""

__all__ = ["COUNT_UNITS"]

#: Units of metrics that count whole things: their values are whole numbers, and English
#: says "fewer than", not "less than", of them.
COUNT_UNITS = ("jobs", "companies", "organisations", "people", "workpackages", "employees")
