"""Link: how Home Assistant reaches a terminal: push target, presence, config client, time."""
