"""Persistence: the one declarative base, the tables, migrations and demo fixtures."""
