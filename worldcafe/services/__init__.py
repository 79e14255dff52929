"""Use cases: each takes a SQLAlchemy session, changes the model and flushes; the caller commits."""
