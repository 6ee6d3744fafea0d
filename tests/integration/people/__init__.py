"""Tests of the people wing."""
