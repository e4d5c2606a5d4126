"""Starting the web app like a desktop program: the address printed at once, the browser
opened once the server answers. Plain sockets and the standard webbrowser module, so it works
the same on Windows, macOS and Linux."""

from __future__ import annotations

import socket
import threading
import time
import webbrowser
from collections.abc import Callable


def answering(host: str, port: int) -> bool:
    """Whether something accepts connections at the address now."""
    try:
        socket.create_connection((host, port), timeout=0.5).close()
    except OSError:
        return False
    return True


def open_when_answering(url: str, host: str, port: int, *, wait: float = 120.0,
                        opener: Callable[[str], object] = webbrowser.open) -> threading.Thread:
    """Open ``url`` in the person's browser as soon as the server at host:port answers (in a
    thread, while the server starts). Gives up quietly after ``wait`` seconds: the address
    has been printed, and can be opened by hand."""

    def work() -> None:
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if answering("127.0.0.1" if host in ("0.0.0.0", "::", "") else host, port):
                opener(url)
                return
            time.sleep(0.1)

    thread = threading.Thread(target=work, daemon=True, name="open-browser")
    thread.start()
    return thread
