"""Voice: any audio made into the terminal's WAV, and speech."""
