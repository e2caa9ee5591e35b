"""Importing contacts and organisations from CSV or XLSX files, with preview and undo."""
