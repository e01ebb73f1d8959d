"""Reading a JSON request body: one reader for the staff API and the console.

Every unsafe endpoint takes a small JSON object. Reading it here, once, keeps the
answers to bad input the same everywhere: a body over ``MAX_BODY_BYTES`` is
refused while it streams in (never buffered whole), anything that is not a JSON
object, or that names a field the endpoint does not take, is a ``BadRequest``
whose message says what was wrong. Callers turn it into a 400.
"""
from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request

MAX_BODY_BYTES = 64 * 1024  # JSON bodies carry a public message or two, nothing bigger


class BadRequest(ValueError):
    """The request itself is malformed; the message says how."""


async def json_body(request: Request, fields: tuple[str, ...], required: tuple[str, ...] = ()) -> dict[str, Any]:
    """The request body as a JSON object with only ``fields`` (an empty body is ``{}``).

    ``required`` fields must be non-empty strings.
    """
    raw = b""
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_BODY_BYTES:
            raise BadRequest(f"request body is over {MAX_BODY_BYTES} bytes")
    data: Any = {}
    if raw.strip():
        try:
            data = json.loads(raw)
        except ValueError as error:  # JSONDecodeError and UnicodeDecodeError
            raise BadRequest(f"request body is not valid JSON ({error})") from None
        except RecursionError:  # "[[[[...": too deeply nested for the parser
            raise BadRequest("request body is not valid JSON (nested too deeply)") from None
    if not isinstance(data, dict):
        raise BadRequest(f"request body must be a JSON object with: {', '.join(fields)}")
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise BadRequest(f"unknown field {unknown[0]!r}; allowed: {', '.join(fields)}")
    for name in required:
        if not isinstance(data.get(name), str) or not data[name].strip():
            raise BadRequest(f"{name} is required (text)")
    return data
