"""The asset register: equipment, its tag, where it is and who maintains it."""
