"""Planned maintenance: plans that open preventive and inspection orders when due, and
the checklist results recorded on inspections."""
