"""Accounts: who people are, how they sign in, and what each role may see and do."""
