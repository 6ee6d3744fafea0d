"""Tests of the voice wing."""
