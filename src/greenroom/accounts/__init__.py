"""Web accounts: users with roles, invitations, sessions, login rate limiting and the access log."""
