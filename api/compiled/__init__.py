"""Reads compiled to SQL: the declared read model (declare.py, api/<domain>/reads.py), the
compiler (compiler.py), the JSON of each database (dialect.py) and the entry point (reads.py)."""
