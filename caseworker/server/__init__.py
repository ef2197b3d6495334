"""The central Caseworker server: FastAPI over SQLAlchemy Core (SQLite by default, PostgreSQL in production).

It shares only `caseworker.store.schema` and `caseworker.sync.protocol` with the client.
"""
