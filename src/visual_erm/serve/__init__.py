"""The reward server: FastAPI over a bounded batching queue (app), and Ray for more than one machine (ray_backend)."""

from visual_erm.serve.app import LocalRunner, ServeConfig, create_app, serve

__all__ = ["LocalRunner", "ServeConfig", "create_app", "serve"]
