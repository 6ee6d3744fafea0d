"""The bare baseline of the push benchmarks: an aiohttp server that does only what a terminal needs.

It reads the body, parses it with orjson and answers the ACK echoing ``sequence_no`` and
``cap_time``: the least any server can do for a push. ``test_push_throughput.py`` runs it as a
process of its own next to a real ``hass`` and loads both the same way, in the same run.

    .venvs/release/bin/python benchmarks/real_hass/bare_ack_server.py PORT
"""

from __future__ import annotations

import sys

from aiohttp import web
import orjson


async def ack(request: web.Request) -> web.Response:
    body = orjson.loads(await request.read())
    reply = {
        "reply": "ACK",
        "cmd": "face",
        "code": 0,
        "sequence_no": body["sequence_no"],
        "cap_time": body["cap_time"],
    }
    return web.Response(body=orjson.dumps(reply), content_type="application/json")


def main() -> None:
    app = web.Application(client_max_size=64 * 1024 * 1024)
    app.router.add_post("/{tail:.*}", ack)
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)


if __name__ == "__main__":
    main()
