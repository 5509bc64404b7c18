"""The audit ledger: immutable owed and paid entries and per-key balance checks, after Beancount.

Entries are never updated or deleted: a correction is a reversal entry plus a new entry. See
greenroom.ledger.entries for posting and greenroom.ledger.balance for the balance checks.
"""
