"""The published labour rate card."""
