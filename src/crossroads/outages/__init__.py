"""crossroads.outages."""
