"""Local feed servers for the gathering benchmark, in a process of their own.

`python bench/feed_servers.py FEEDS SERVERS` serves FEEDS RSS feeds of 20 items spread over
SERVERS servers on 127.0.0.1, each answer delayed 0.2 s, prints their addresses (one per
line, then a blank line), and serves until its standard input closes. An answer is one
write on a socket with TCP_NODELAY, as a real server's would be: headers and body in two
writes would stall each 200 by Nagle's algorithm and delayed ACKs (about 45 ms). Every
feed sends an ETag and answers a matching `If-None-Match` with 304. `GET /counts` on the
first server answers how many 200s and 304s were sent since it was last asked.

Being another process, their work is not counted in the CPU time of what is measured.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ITEMS, DELAY = 20, 0.2


def feed_body(name: str, now: datetime) -> bytes:
    items = "".join(
        f"<item><title>{name} post {n}</title><link>https://{name}.example/{n}</link>"
        f"<pubDate>{format_datetime(now - timedelta(hours=n))}</pubDate>"
        f"<description>&lt;p&gt;Summary {n} of {name}, long enough to look like a real one.&lt;/p&gt;</description></item>"
        for n in range(ITEMS)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>{name}</title>{items}</channel></rss>'.encode()


def serve(feeds: int, servers: int) -> tuple[list[str], list[ThreadingHTTPServer]]:
    now, counts, lock = datetime.now(timezone.utc), {"200": 0, "304": 0}, threading.Lock()

    def handler(bodies: dict[str, bytes]) -> type[BaseHTTPRequestHandler]:
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def do_GET(self) -> None:  # noqa: N802
                if self.path == "/counts":
                    with lock:
                        body = json.dumps(counts).encode()
                        counts.update({"200": 0, "304": 0})
                    self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                     b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
                    return
                time.sleep(DELAY)
                body, etag = bodies[self.path], f'"{abs(hash(self.path))}"'
                fresh = self.headers.get("If-None-Match") == etag
                with lock:
                    counts["304" if fresh else "200"] += 1
                status = "304 Not Modified" if fresh else "200 OK"
                head = (f"HTTP/1.1 {status}\r\nETag: {etag}\r\nContent-Type: application/rss+xml\r\n"
                        f"Content-Length: {0 if fresh else len(body)}\r\n\r\n")
                self.wfile.write(head.encode() + (b"" if fresh else body))  # one write

            def log_message(self, *args: object) -> None:
                pass

        return Handler

    urls, running = [], []
    per_server = feeds // servers
    for s in range(servers):
        bodies = {f"/feed{f}.rss": feed_body(f"s{s}f{f}", now) for f in range(per_server)}
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler(bodies))
        server.daemon_threads = True
        server.request_queue_size = 128
        threading.Thread(target=server.serve_forever, daemon=True).start()
        running.append(server)
        urls += [f"http://127.0.0.1:{server.server_port}{path}" for path in bodies]
    return urls, running


def main() -> None:
    urls, _ = serve(int(sys.argv[1]), int(sys.argv[2]))
    print("\n".join(urls), end="\n\n", flush=True)
    sys.stdin.read()  # until the benchmark closes it


if __name__ == "__main__":
    main()
