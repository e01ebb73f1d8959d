"""Reading the YAML policy files support leads own (policy/*.yml): one error type, one way to say where it went wrong.

Every policy (remedies, support hours, incidents, email templates) is checked at start-up, and a broken one must be
a clear error naming the file and the exact key (``categories.delivery_problem.recurrent.offer: ...``), never a
surprise mid-conversation. The loaders share these few checks so their messages read alike.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml


class PolicyError(ValueError):
    """The policy file is missing or invalid; the message says where and why."""


def fail(path: Path, where: str, problem: str) -> PolicyError:
    """The error for ``problem`` at key path ``where`` of the file ``path`` (raise it)."""
    return PolicyError(f"{path}: {where}: {problem}")


def mapping(value: Any, path: Path, where: str) -> dict:
    """``value`` as a mapping (an empty key is an empty mapping), or the error saying what it was instead."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise fail(path, where, f"expected a mapping, got {type(value).__name__}")
    return value


def known_keys(entry: dict, allowed: Sequence[str], path: Path, where: str, what: str = "key") -> None:
    """A misspelt key is an error that lists the allowed ones, not a setting silently ignored."""
    for key in entry:
        if key not in allowed:
            raise fail(path, f"{where}.{key}" if where else str(key), f"unknown {what} (allowed: {', '.join(allowed)})")


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def positive(value: Any, path: Path, where: str) -> float:
    if not is_number(value) or value <= 0:
        raise fail(path, where, f"must be a positive number, got {value!r}")
    return float(value)


def read_policy_yaml(path: Path, what: str) -> Any:
    """The parsed YAML of a policy file, or a PolicyError naming the file ("cannot read the <what>")."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyError(f"{path}: cannot read the {what} ({exc.strerror})") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PolicyError(f"{path}: not valid YAML: {exc}") from None
