"""The search index, part of storage: written with every content write in its transaction
(seed/changes.py), rebuilt by migration 0003 and `samverkan search reindex`, read by api/search.
The Swedish text analysis lives here because the index is written with it (SQLite's stems)."""
