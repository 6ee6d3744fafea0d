"""A stateful fake face-recognition access terminal (Face Capture Http API) for tests and demos.

Built from the vendor document and the project's protocol notes only, independently of the
integration, so that it can catch the integration's bugs. See ``simulator/README.md``.
"""

from .core import Simulator
from .handlers import COMMANDS, ProtocolError
from .server import Faults

__all__ = ["COMMANDS", "Faults", "ProtocolError", "Simulator"]
