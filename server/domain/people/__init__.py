"""The people list: who works here, their roles, teams and companies."""
