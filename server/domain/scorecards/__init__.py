"""Contractor scorecards: monthly indicators computed from records only, and the settlement
statements that deduction rules make of them."""
