"""The schema library of the running Home Assistant, as ``vol``: probatio from 2026.9, else voluptuous.

Home Assistant 2026.9 replaced voluptuous with probatio, which keeps voluptuous's interface, and
makes ``import voluptuous`` resolve to probatio from then on. Both names are therefore the same
library at run time on each version; importing probatio where it exists lets the type checker see
the schema types Home Assistant's helpers take.
"""

from __future__ import annotations

try:
    import probatio as vol
except ImportError:  # Home Assistant 2026.2 to 2026.8
    import voluptuous as vol  # type: ignore[no-redef]

__all__ = ["vol"]
