"""crossroads.tls."""
