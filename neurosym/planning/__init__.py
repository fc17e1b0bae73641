"""Planning beyond the planner: plan parsing and validation."""
