from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "apps.realtime"
    label = "realtime"

    def ready(self) -> None:
        from apps.core.events import subscribe
        from apps.realtime.bus import forward

        # Every process publishes its committed events onto the bus: the server's workers,
        # and also management commands (their changes reach the sockets too when the bus
        # is shared).
        subscribe(forward)
