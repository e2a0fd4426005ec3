"""crossroads.routing."""
