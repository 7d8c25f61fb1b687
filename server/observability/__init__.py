"""Metrics and logs: what an operator watches (docs/operations.md)."""
