"""Tests of the access wing."""
