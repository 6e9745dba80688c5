"""The website chat page (``/``) and the built widget files (``/static``)."""
from backend.web.router import install

__all__ = ["install"]
