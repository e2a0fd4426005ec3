"""crossroads.web."""
