"""crossroads.store."""
