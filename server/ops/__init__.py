"""Operator tasks run from the `rounds` command, outside the serving processes."""
