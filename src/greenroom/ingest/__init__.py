"""Ingest: readers, schemas, validation, quarantine and idempotent loading of studio files."""
