"""Contracts as code: dated, cited agreement parameters and the formulas keyed by date."""
