"""The vendor's files copied into tests/fixtures, checked before a test reads one.

CI runs on a clean clone without the vendor's ``shared/`` folder, so tests read only these copies.
Each was recorded in ``tests/fixtures/SHA256SUMS`` as copied: a copy that is missing, or that no
longer is the vendor's file, fails the test that reads it instead of letting it pass on something
else.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
DIGESTS = FIXTURES / "SHA256SUMS"


def _digests() -> dict[str, str]:
    """The recorded digests by path (``sha256sum`` format: digest, two spaces, path)."""
    lines = DIGESTS.read_text(encoding="ascii").splitlines()
    return {path: digest for digest, path in (line.split("  ", 1) for line in lines if line)}


def vendored(name: str) -> Path:
    """The path of the vendored copy ``name`` (relative to tests/fixtures), once checked."""
    path = FIXTURES / name
    assert path.is_file(), f"the vendored copy tests/fixtures/{name} is missing"
    recorded = _digests().get(name)
    assert recorded is not None, f"tests/fixtures/{name} has no digest in SHA256SUMS"
    actual = hashlib.sha256(path.read_bytes()).hexdigest()
    assert actual == recorded, f"tests/fixtures/{name} is no longer the copy recorded in SHA256SUMS"
    return path
