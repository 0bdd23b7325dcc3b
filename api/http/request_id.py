"""Request ids: the client's `X-Request-ID` when it is safe to repeat, a new one otherwise.

The id goes into the response's headers, every log line of the request and masked error
messages. A client's id was echoed verbatim: any length, any bytes a header may hold, so a
client could write what it liked into our logs (fake lines, terminal escapes) and bloat every
line. Kept only when it is 1–64 characters of `A–Z a–z 0–9 . _ -` (UUIDs, ULIDs, hex and the
ids proxies and tracing tools make fit); anything else is replaced by a fresh id: 32 random hex
digits, as long as a UUID's hex (`secrets.token_hex`, a third of `uuid4().hex`'s cost).
"""

from __future__ import annotations

import re
import secrets

SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def request_id_for(header: str | None) -> str:
    if header is not None and SAFE_REQUEST_ID.fullmatch(header):
        return header
    return secrets.token_hex(16)
