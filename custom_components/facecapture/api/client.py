"""The asynchronous client: one typed method per command of the Face Capture Http API.

Each request goes over a transport (``transport.py``): an HTTP POST to the terminal, or the reply
to its heartbeat when it is a configuration client (``long_poll.py``). Replies are checked for
their ``code``; a non-zero code raises the exception of that code (see ``errors``).

The commands are grouped by the document's sections, one module each, and ``FaceCaptureClient``
brings them together:

- ``client_base``: the transport, the request envelope and the reply code;
- ``client_persons``: persons and the capture history (2.1, 2.2.2);
- ``client_params``: application, stream and schedule parameters (2.3);
- ``client_device``: gate output, clock, upgrade, hardware, AES, SIP, 4G, volume;
- ``client_media``: the screen, audio and files (2.10, 2.12, 2.14).
"""

from __future__ import annotations

from .client_device import DeviceCommands
from .client_media import MediaCommands
from .client_params import ParamsCommands, upload_info_for_url
from .client_persons import PersonCommands

__all__ = ["FaceCaptureClient", "upload_info_for_url"]


class FaceCaptureClient(PersonCommands, ParamsCommands, DeviceCommands, MediaCommands):
    """Talks to one terminal: over HTTP when it is a server, or over a long-poll transport.

    ``FaceCaptureClient(host, port, ...)`` POSTs to a terminal acting as server (port 8000 by
    default). ``FaceCaptureClient(transport=LongPollTransport(...))`` hands the same commands to a
    terminal acting as configuration client, in the replies to its heartbeats. The typed methods,
    their signatures and their errors are the same either way.
    """
