"""Adapters: the backend's doors to outside services (carriers, payment providers)."""
