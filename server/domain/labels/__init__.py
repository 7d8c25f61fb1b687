"""Printable label sheets for the desk: assets, items and store bins as A4 PDFs."""
