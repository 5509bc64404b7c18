"""The seeded demo union and loaders for real public data."""
