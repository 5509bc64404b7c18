"""Residuals auditing: load what payers say they paid, post it against what is owed, and report findings.

Modules: schema (remittance format v1), remittances (the loader), matching (titles), payers
(column mappings, tolerance), prior (amounts at the previous scale), findings (the rules),
reconcile (an audit run), workflow (claim/resolve with history), reports, remittances_demo.
"""
