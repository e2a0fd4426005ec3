"""crossroads.scenarios."""
