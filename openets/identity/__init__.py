"""Identity: natural persons, their logins, roles and account representatives (journaled)."""
