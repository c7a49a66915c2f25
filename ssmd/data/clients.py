"""S3 clients shared by every store of one run, one per (client library, region, endpoint).

Several environments read in one call often live on the same endpoint;
one client each would pay boto3's set-up (tens of milliseconds) and open a
connection pool each. This holder has no boto3 import of its own, so the
CLI can create it before knowing whether any store is on S3.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


class ClientCache:
    def __init__(self) -> None:
        self._clients: dict[tuple[str | None, ...], Any] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple[str | None, ...], make: Callable[[], Any]) -> Any:
        with self._lock:
            if key not in self._clients:
                self._clients[key] = make()
            return self._clients[key]

    def close(self) -> None:
        with self._lock:
            clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            client.close()
