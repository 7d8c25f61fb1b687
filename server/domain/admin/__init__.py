"""Administration from the desk: users, the organisation's reference data, their audit."""
