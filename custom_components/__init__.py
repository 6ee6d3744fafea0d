"""Custom integrations, importable as a package for the tests."""
