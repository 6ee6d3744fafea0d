"""Tests of the captures wing."""
