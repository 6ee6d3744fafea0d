"""HTTP control API under ``/_sim/`` for out-of-process use (demo, end-to-end tests).

Not protected by the device's Basic auth. Routes:

- ``POST /_sim/capture``: ``Simulator.capture`` keyword arguments as JSON; returns the push body
  without image data.
- ``GET /_sim/state``: counts, upload target, pending pushes, ACK count, clock.
- ``GET /_sim/log``: what the terminal was told to do.
- ``POST /_sim/faults``: set ``latency``/``drop_next``/``http_500_next``/``garble_next``.
- ``POST /_sim/persons``: register a demo person (``id``/``name`` optional, no image), or
  ``{"count": N}`` demo persons at once (a terminal holding thousands, in one request).
- ``POST /_sim/push_target``: ``{"url": ...}`` like ``--push-url``.
- ``POST /_sim/config_url``: ``{"url": ...}`` like ``--config-url`` (``null`` turns it off).
- ``POST /_sim/fail_next``: ``{"cmd", "code", "desc"}`` like ``Simulator.fail_next``.
- ``GET /_sim/door``: in online mode, what the gate did for each acknowledged capture.
- ``POST /_sim/lose_acks``: ``{"count": n}``: the next n push ACKs are lost, so the push is resent.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .captures import without_images

if TYPE_CHECKING:
    from .core import Simulator

_CAPTURE_ARGS = frozenset(
    {
        "kind",
        "person_id",
        "reason",
        "score",
        "temperature",
        "mask",
        "realtime",
        "closeup",
        "overall",
        "image_size",
        "qr",
        "card",
    }
)
_Route = Callable[[web.Request], Awaitable[web.Response]]


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


async def _json_body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(
            text=json.dumps({"error": "body must be a JSON object"}),
            content_type="application/json",
        )
    return body


def add_control_routes(app: web.Application, sim: Simulator) -> None:
    """Register the ``/_sim/`` routes for ``sim`` on ``app``."""

    async def capture(request: web.Request) -> web.Response:
        body = await _json_body(request)
        unknown = set(body) - _CAPTURE_ARGS
        if unknown:
            return _error(400, f"unknown arguments: {sorted(unknown)}")
        if "image_size" in body:
            size = body["image_size"]
            if not (
                isinstance(size, list) and len(size) == 2 and all(isinstance(v, int) for v in size)
            ):
                return _error(400, "image_size must be [width, height]")
            body["image_size"] = (size[0], size[1])
        try:
            push = await sim.capture(**body)
        except (TypeError, ValueError) as err:
            return _error(400, str(err))
        return web.json_response(without_images(push))

    async def state(request: web.Request) -> web.Response:
        return web.json_response(sim.summary())

    async def log(request: web.Request) -> web.Response:
        return web.json_response(sim.log)

    async def faults(request: web.Request) -> web.Response:
        body = await _json_body(request)
        try:
            sim.faults.update(body)
        except ValueError as err:
            return _error(400, str(err))
        return web.json_response(sim.faults.as_dict())

    async def persons(request: web.Request) -> web.Response:
        body = await _json_body(request)
        if "count" in body:
            count = body["count"]
            if isinstance(count, bool) or not isinstance(count, int) or count < 1:
                return _error(400, "count must be a positive integer")
            if len(sim.state.persons) + count > sim.state.capacity:
                return _error(409, "more than the terminal's capacity")
            sim.add_persons(count)
            return web.json_response({"persons": len(sim.state.persons)})
        person_id, name = body.get("id"), body.get("name")
        if not isinstance(person_id, (str, type(None))) or not isinstance(name, (str, type(None))):
            return _error(400, "id and name must be strings")
        if person_id is not None and person_id in sim.state.persons:
            return _error(409, "person already exists")
        person = sim.state.add_demo_person(person_id, name)
        return web.json_response({"id": person["id"], "persons": len(sim.state.persons)})

    async def push_target(request: web.Request) -> web.Response:
        body = await _json_body(request)
        try:
            sim.set_push_target(body.get("url"))
        except (TypeError, ValueError) as err:
            return _error(400, str(err))
        return web.json_response(sim.state.app_params["upload_info"])

    async def config_url(request: web.Request) -> web.Response:
        body = await _json_body(request)
        try:
            sim.set_config_url(body.get("url"))
        except (TypeError, ValueError) as err:
            return _error(400, str(err))
        return web.json_response(sim.state.app_params["extranet"])

    async def fail_next(request: web.Request) -> web.Response:
        body = await _json_body(request)
        cmd, code, desc = body.get("cmd"), body.get("code"), body.get("desc")
        if not isinstance(cmd, str) or isinstance(code, bool) or not isinstance(code, int):
            return _error(400, "cmd must be a string and code an integer")
        sim.fail_next(cmd, code, desc if isinstance(desc, str) else None)
        return web.json_response({"cmd": cmd, "code": code})

    async def door(request: web.Request) -> web.Response:
        return web.json_response(sim.door)

    async def lose_acks(request: web.Request) -> web.Response:
        body = await _json_body(request)
        count = body.get("count")
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            return _error(400, "count must be a non-negative integer")
        sim.pusher.lose_acks = count
        return web.json_response({"count": count})

    routes: list[tuple[str, str, _Route]] = [
        ("POST", "/_sim/capture", capture),
        ("GET", "/_sim/state", state),
        ("GET", "/_sim/log", log),
        ("POST", "/_sim/faults", faults),
        ("POST", "/_sim/persons", persons),
        ("POST", "/_sim/push_target", push_target),
        ("POST", "/_sim/config_url", config_url),
        ("POST", "/_sim/fail_next", fail_next),
        ("GET", "/_sim/door", door),
        ("POST", "/_sim/lose_acks", lose_acks),
    ]
    for method, path, handler in routes:
        app.router.add_route(method, path, handler)
