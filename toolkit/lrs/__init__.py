"""A conformant xAPI 1.0.3 Learning Record Store (SQLite or PostgreSQL)."""
