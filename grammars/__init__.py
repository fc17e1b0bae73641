"""Package data: kept at the top of the repository, shipped in the wheel (see pyproject.toml)."""
