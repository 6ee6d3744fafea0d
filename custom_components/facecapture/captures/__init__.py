"""Captures: a push from its webhook to the event, entity state, archive and history."""
