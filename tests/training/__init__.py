"""Tests (a package, so that test helpers are imported by their full name and type-checked)."""
