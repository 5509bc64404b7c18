"""Storage: the application database (SQLAlchemy + Alembic) and the analytical DuckDB file."""
