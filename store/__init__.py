"""Persistence for the service: database (SQLAlchemy 2 + Alembic) and content-addressed blobs.

Interfaces are fixed in docs/SERVICE.md (``store/`` section):

- :mod:`store.config`: ``home()``, ``database_url()``
- :mod:`store.db`: ``engine()``, ``session()``, ``migrate()``
- :mod:`store.models`: ``Unit``, ``User``, ``Document``, ``Job``, ``Extraction``, ``Draft``
- :mod:`store.blobs`: ``put()``, ``get()``, ``path()``
- :mod:`store.documents`: ``add_document()``

Submodules are not imported here so that ``import store.config`` stays cheap.
"""
