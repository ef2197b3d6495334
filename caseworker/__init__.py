"""Caseworker: offline-first case management for social workers (Qt-free core)."""

__version__ = "0.1.0"
APP_NAME = "Caseworker"
