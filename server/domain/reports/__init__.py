"""Monthly reports: workload, response and repair times, SLA, repeats, cost, satisfaction."""
