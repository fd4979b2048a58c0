"""pgt: turn the tables of a CTG / PGT action plan into clean, validated, structured data."""

__version__ = "0.1.0"
