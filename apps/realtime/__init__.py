"""Real time: the Mattermost WebSocket at /api/v4/websocket (see docs/realtime.md)."""
