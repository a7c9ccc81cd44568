"""SQLite with write transactions that queue (see ``base.py``)."""
