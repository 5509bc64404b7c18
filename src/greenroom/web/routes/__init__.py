"""One router module per area; each checks the role on every route."""
