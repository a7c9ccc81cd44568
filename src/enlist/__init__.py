"""Enlist: case management for a foreign volunteer legion."""
