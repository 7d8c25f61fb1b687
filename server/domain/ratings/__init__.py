"""Satisfaction: clinical departments rate each contractor serving them, once a month."""
