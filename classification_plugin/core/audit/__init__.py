"""Tamper-evident access log: event model, hash chain, SQLite and PostgreSQL backends."""
