"""Tests of the simulated terminal."""
