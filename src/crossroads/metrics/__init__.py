"""crossroads.metrics."""
