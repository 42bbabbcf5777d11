"""Slash commands: the built-in ones (``/join``, ``/me``, ``/away`` ...) and a team's
custom commands, which call a URL and post or show what it answers."""
