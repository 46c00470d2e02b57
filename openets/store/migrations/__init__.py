"""Alembic migrations of the market database, configured from code (no alembic.ini)."""
