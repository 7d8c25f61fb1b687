"""Settlement: contracts, the monthly statement a contract's rules make of its scorecard,
its issue, the contractor's answer, the hospital's resolution, and its freezing."""
