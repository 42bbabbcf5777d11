"""Mattermost's WebSocket limits (``app/platform/web_conn.go``). The server settings
(worker.py) read them before Django is set up, so they are plain constants."""

# The server pings every minute and drops a peer that has not answered 40 s later: a dead
# connection is noticed within 100 s, Mattermost's pong wait.
PING_INTERVAL_SECONDS = 60.0
PONG_TIMEOUT_SECONDS = 40.0
# Client messages larger than this close the connection (SocketMaxMessageSizeKb).
MAX_MESSAGE_BYTES = 8 * 1024
# Events kept per connection for a reconnect to replay.
DEAD_QUEUE_SIZE = 128
# Messages waiting for a slow client; one more closes its socket (it may reconnect).
SEND_QUEUE_SIZE = 256
