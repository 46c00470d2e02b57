"""Persistence: SQLAlchemy Core tables, the SQL journal (SQLite or PostgreSQL), read models."""
