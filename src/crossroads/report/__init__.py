"""crossroads.report."""
