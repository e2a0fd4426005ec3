"""crossroads.web: the dashboard and JSON API (:func:`crossroads.web.app.create_app`)."""

__all__: list[str] = []
