"""The wire: Content-Length, Basic auth, timeouts and every way a reply can go wrong."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
import errno
import hashlib
import json
import socket
from typing import Any

import aiohttp
from aiohttp import web
import aiohttp.abc
from aiohttp.client_reqrep import ConnectionKey
from aiohttp.test_utils import TestServer
import pytest

from custom_components.facecapture.api import (
    DEVICE_ERRORS,
    FaceCaptureAuthError,
    FaceCaptureClient,
    FaceCaptureConnectionError,
    FaceCaptureConnectionRefusedError,
    FaceCaptureDeviceError,
    FaceCaptureHostNotFoundError,
    FaceCaptureResponseError,
    FaceCaptureValidationError,
    HttpTransport,
    describe_code,
    error_for_code,
)
from custom_components.facecapture.api.errors import (
    FaceCaptureDeviceAuthError,
    FaceCaptureUnsupportedError,
)
from custom_components.facecapture.api.transport import _connection_error
from simulator import Simulator

type Reply = Callable[[dict[str, Any]], web.StreamResponse]


@pytest.fixture
async def stub(
    socket_enabled: None,
) -> AsyncIterator[tuple[TestServer, list[web.Request], dict[str, Reply]]]:
    """A tiny terminal that answers whatever a test tells it to, for replies the simulator never gives."""
    seen: list[web.Request] = []
    behaviour: dict[str, Reply] = {"reply": lambda body: web.json_response({"code": 0})}

    async def handle(request: web.Request) -> web.StreamResponse:
        seen.append(request)
        body = json.loads(await request.read())
        return behaviour["reply"](body)

    app = web.Application()
    app.router.add_post("/", handle)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        yield server, seen, behaviour
    finally:
        await server.close()


async def test_request_shape(
    stub: tuple[TestServer, list[web.Request], dict[str, Reply]], session: aiohttp.ClientSession
) -> None:
    """JSON with Content-Length, never chunked; Basic auth when credentials are given."""
    server, seen, _ = stub
    client = FaceCaptureClient(
        "127.0.0.1", server.port, session=session, username="admin", password="pw"
    )
    await client.request("heart beat")
    request = seen[0]
    assert request.headers["Content-Type"].startswith("application/json")
    assert "Content-Length" in request.headers
    assert "Transfer-Encoding" not in request.headers
    assert request.headers["Authorization"] == aiohttp.BasicAuth("admin", "pw").encode()


@pytest.mark.parametrize(
    ("reply", "error", "message"),
    [
        (lambda body: web.Response(text="<html>oops</html>"), FaceCaptureResponseError, "not JSON"),
        (lambda body: web.json_response([1, 2]), FaceCaptureResponseError, "not a JSON object"),
        (
            lambda body: web.json_response({"reply": "ACK"}),
            FaceCaptureResponseError,
            "no reply code",
        ),
        (lambda body: web.Response(status=404), FaceCaptureResponseError, "HTTP 404"),
        (lambda body: web.Response(status=503), FaceCaptureConnectionError, "HTTP 503"),
        (lambda body: web.Response(status=401), FaceCaptureAuthError, "401"),
        (
            lambda body: web.json_response({"code": 99, "desc": "new firmware code"}),
            FaceCaptureDeviceError,
            "Unknown error code 99",
        ),
    ],
)
async def test_bad_replies(
    stub: tuple[TestServer, list[web.Request], dict[str, Reply]],
    session: aiohttp.ClientSession,
    reply: Reply,
    error: type[Exception],
    message: str,
) -> None:
    """Each malformed or failed reply raises a clear error; nothing half-parsed comes back."""
    server, _, behaviour = stub
    behaviour["reply"] = reply
    client = FaceCaptureClient("127.0.0.1", server.port, session=session)
    with pytest.raises(error, match=message):
        await client.get_date_time()


async def test_missing_required_field(
    stub: tuple[TestServer, list[web.Request], dict[str, Reply]], session: aiohttp.ClientSession
) -> None:
    """A success reply without the data it should carry is refused, naming the field."""
    server, _, behaviour = stub
    client = FaceCaptureClient("127.0.0.1", server.port, session=session)
    behaviour["reply"] = lambda body: web.json_response({"code": 0, "cmd": "request persons"})
    with pytest.raises(FaceCaptureResponseError, match="'total'"):
        await client.request_persons()
    behaviour["reply"] = lambda body: web.json_response({"code": 0})
    with pytest.raises(FaceCaptureResponseError, match="date_time"):
        await client.get_date_time()
    with pytest.raises(FaceCaptureResponseError, match="image"):
        await client.snapshot()
    with pytest.raises(FaceCaptureResponseError, match="volume"):
        await client.get_volume()
    with pytest.raises(FaceCaptureResponseError, match="mode"):
        await client.get_screensaver_mode()
    behaviour["reply"] = lambda body: web.json_response({"code": 0, "screensaver_mode": "rainbow"})
    assert await client.get_screensaver_mode() == "rainbow"


async def test_download_integrity(
    stub: tuple[TestServer, list[web.Request], dict[str, Reply]], session: aiohttp.ClientSession
) -> None:
    """A chunk whose md5 does not match, or that starts elsewhere, or that is empty, is refused."""
    server, _, behaviour = stub
    client = FaceCaptureClient("127.0.0.1", server.port, session=session)

    def chunk(data: bytes, *, md5: str | None = None, offset: int = 0, total: int = 100) -> Reply:
        import base64

        return lambda body: web.json_response(
            {
                "code": 0,
                "path": body["path"],
                "total_size": total,
                "offset": offset,
                "size": len(data),
                "data": base64.b64encode(data).decode(),
                "md5sum": md5 or hashlib.md5(data).hexdigest(),
            }
        )

    behaviour["reply"] = chunk(b"abc", md5="0" * 32)
    with pytest.raises(FaceCaptureResponseError, match="md5"):
        await client.download_file("/f")
    behaviour["reply"] = chunk(b"abc", offset=5)
    with pytest.raises(FaceCaptureResponseError, match="offset 5"):
        await client.download_file("/f")
    behaviour["reply"] = chunk(b"")
    with pytest.raises(FaceCaptureResponseError, match="stopped sending"):
        await client.download_file("/f")
    behaviour["reply"] = lambda body: web.json_response({"code": 0, "total_size": 3, "data": "!!!"})
    with pytest.raises(FaceCaptureResponseError, match="'data'"):
        await client.download_file_chunk("/f")


async def test_connection_refused(session: aiohttp.ClientSession, simulator: Simulator) -> None:
    """Nothing listening is a connection error that says so (callers of the base class still see it)."""
    port = simulator.port
    await simulator.stop()
    client = FaceCaptureClient("127.0.0.1", port, session=session)
    with pytest.raises(FaceCaptureConnectionRefusedError, match="Cannot reach") as raised:
        await client.heart_beat()
    assert isinstance(raised.value, FaceCaptureConnectionError)


class _NoSuchHost(aiohttp.abc.AbstractResolver):
    """A resolver that knows no host, as DNS answers for a mistyped name."""

    async def resolve(
        self, host: str, port: int = 0, family: int = socket.AF_INET
    ) -> list[aiohttp.abc.ResolveResult]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    async def close(self) -> None:
        """Nothing to close."""


async def test_host_not_found() -> None:
    """A host name that does not resolve is told apart from a refused connection."""
    connector = aiohttp.TCPConnector(resolver=_NoSuchHost())
    async with aiohttp.ClientSession(connector=connector) as session:
        client = FaceCaptureClient("terminal.example", 8000, session=session)
        with pytest.raises(FaceCaptureHostNotFoundError, match="Cannot reach") as raised:
            await client.heart_beat()
    assert isinstance(raised.value, FaceCaptureConnectionError)
    assert not isinstance(raised.value, FaceCaptureConnectionRefusedError)


@pytest.mark.parametrize(
    ("cause", "expected"),
    [
        (socket.gaierror(socket.EAI_NONAME, "unknown"), FaceCaptureHostNotFoundError),
        (ConnectionRefusedError(errno.ECONNREFUSED, "refused"), FaceCaptureConnectionRefusedError),
        # Happy eyeballs folds the same error of several addresses into one OSError.
        (OSError(errno.ECONNREFUSED, "Multiple exceptions"), FaceCaptureConnectionRefusedError),
        (OSError(errno.EHOSTUNREACH, "No route to host"), FaceCaptureConnectionError),
        (aiohttp.ServerDisconnectedError(), FaceCaptureConnectionError),
    ],
)
def test_connection_error_causes(cause: BaseException, expected: type) -> None:
    """Each cause, bare or wrapped by aiohttp's connector, maps to the error that names it."""
    assert type(_connection_error(cause, "m")) is expected
    if isinstance(cause, OSError):
        key = ConnectionKey("h", 1, False, True, None, None, None)
        assert type(_connection_error(aiohttp.ClientConnectorError(key, cause), "m")) is expected


async def test_timeout(simulator: Simulator, session: aiohttp.ClientSession) -> None:
    """A terminal slower than the timeout is a connection error, not a hang."""
    simulator.faults.update({"latency": 1.0})
    client = FaceCaptureClient("127.0.0.1", simulator.port, session=session, timeout=0.2)
    with pytest.raises(FaceCaptureConnectionError, match="Timed out"):
        await client.heart_beat()
    # The per-call timeout overrides the client's.
    assert (await client.request("request date time", timeout=3))["code"] == 0


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ("drop_next", FaceCaptureConnectionError),
        ("http_500_next", FaceCaptureConnectionError),
        ("garble_next", FaceCaptureResponseError),
    ],
)
async def test_faults(
    client: FaceCaptureClient, simulator: Simulator, fault: str, error: type[Exception]
) -> None:
    """Dropped connections, server errors and garbled JSON each raise their error; the next call works."""
    simulator.faults.update({fault: 1})
    with pytest.raises(error):
        await client.get_app_params()
    assert (await client.get_app_params()).face is not None


@pytest.mark.parametrize("simulator_options", [{"auth": ("admin", "s3cret")}])
async def test_basic_auth(simulator: Simulator, session: aiohttp.ClientSession) -> None:
    """Wrong or missing credentials are an auth error; the right ones work."""
    for username, password in ((None, None), ("admin", "wrong")):
        client = FaceCaptureClient(
            "127.0.0.1", simulator.port, session=session, username=username, password=password
        )
        with pytest.raises(FaceCaptureAuthError):
            await client.heart_beat()
    client = FaceCaptureClient(
        "127.0.0.1", simulator.port, session=session, username="admin", password="s3cret"
    )
    await client.heart_beat()


async def test_own_session(simulator: Simulator) -> None:
    """Without an injected session the client makes one and closes it."""
    async with FaceCaptureClient("127.0.0.1", simulator.port) as client:
        await client.heart_beat()
        transport = client.transport
        assert isinstance(transport, HttpTransport)
        session = transport._session
        assert session is not None
    assert session.closed
    assert transport._session is None


async def test_injected_session_left_open(
    client: FaceCaptureClient, session: aiohttp.ClientSession
) -> None:
    """An injected session belongs to the caller."""
    await client.close()
    assert not session.closed


def test_ipv6_url() -> None:
    """An IPv6 address is bracketed in the URL."""
    transport = FaceCaptureClient("fe80::1", 8000).transport
    assert isinstance(transport, HttpTransport)
    assert transport.url == "http://[fe80::1]:8000/"


def test_host_or_transport_required() -> None:
    """Without a host there must be a transport to talk over."""
    with pytest.raises(FaceCaptureValidationError):
        FaceCaptureClient()


@pytest.mark.parametrize("code", sorted(set(range(42)) - {0}))
async def test_every_error_code(client: FaceCaptureClient, simulator: Simulator, code: int) -> None:
    """Every reply code of section 1.6 raises a device error with a readable message."""
    simulator.fail_next("request app params", code, "from the device")
    with pytest.raises(FaceCaptureDeviceError) as err:
        await client.get_app_params()
    assert err.value.code == code
    assert str(err.value).startswith(describe_code(code))
    assert f"code {code}" in str(err.value)
    assert "from the device" in str(err.value)
    if code in DEVICE_ERRORS:
        assert type(err.value) is DEVICE_ERRORS[code]
    if code == 4:
        assert isinstance(err.value, FaceCaptureAuthError)
    if code == 2:
        assert isinstance(err.value, FaceCaptureUnsupportedError)


def test_error_helpers() -> None:
    """Summaries for success, reserved and unknown codes; "OK" is not repeated in messages."""
    assert describe_code(0) == "Success"
    assert describe_code(15) == "Reserved error code 15"
    assert describe_code(77) == "Unknown error code 77"
    error = error_for_code(4, "OK", None)
    assert isinstance(error, FaceCaptureDeviceAuthError)
    assert str(error) == "Authentication failed (code 4)"
