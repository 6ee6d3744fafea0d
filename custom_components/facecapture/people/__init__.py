"""People: the terminals' persons, their Home Assistant people, sync, expiry, photos."""
