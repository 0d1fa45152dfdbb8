"""The web application: a FastAPI JSON API (with OpenAPI) and server-rendered pages over the
services. ``mujun.web.app.create_app`` builds it; ``mujun serve`` runs it."""
