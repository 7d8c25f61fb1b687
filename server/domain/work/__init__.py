"""Work orders: so far, reading them within scope; the repair loop comes with its issue."""
