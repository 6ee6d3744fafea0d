"""Tests of the link wing."""
