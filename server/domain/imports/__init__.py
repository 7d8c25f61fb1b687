"""Importing and exporting master data (locations, assets, people, stock items) as CSV or XLSX."""
