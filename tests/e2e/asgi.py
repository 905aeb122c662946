"""The project served over ASGI in a browser test, so that its WebSockets work."""

import asyncio
import contextlib
import threading
import time

import uvicorn


@contextlib.contextmanager
def asgi_server(port):
    """The project's ASGI application under Uvicorn, in a thread of this process, so
    that it shares the test database (also SQLite's in-memory one) and the in-memory
    channel layer."""
    from expo.asgi import application

    server = uvicorn.Server(
        uvicorn.Config(
            application, host="127.0.0.1", port=port, log_level="warning", lifespan="off"
        )
    )
    thread = threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
