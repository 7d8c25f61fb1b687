"""Cleaning: routine, terminal and spill tasks per room, cleaners' records, audits."""
