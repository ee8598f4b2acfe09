"""Which rules made a store's plans: a digest of the learning package's own source.

A plan's records (rule 1's `seen`, the explanations, the answer template) are what the rules of the code
that observed its runs made of them. A later release reads them with its own rules: a stored order check on
"number k of the text" points at another number once a text's numbers are counted otherwise, a range
recorded before a quantity was read whole holds other values. Records made by other rules are never
trusted: `LearningEngine` relearns every plan from its stored evidence when the digest it finds in the store
is not this one (`engine.relearn`). The digest covers every module of `llmos.learning` (which imports nothing
else that shapes a record), so no release can forget to bump it; a change that alters no record costs one
relearn at the first open.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path


@functools.cache
def rules_version() -> str:
    """16 hex digits of the learning package's source (its path-sorted `.py` files, names included)."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]
