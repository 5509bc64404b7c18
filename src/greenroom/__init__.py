"""Greenroom: an operations platform for performers' unions."""

__version__ = "0.1.0"
