"""Incident detection settings: policy/incidents.yml, read and checked.

N tickets of one category within T minutes open a suggested incident
(``detect_incidents``); the bounds keep a single ticket from counting as a
mass incident. A broken file raises PolicyError naming the file and the key.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from calmdesk.policy_files import PolicyError, fail, read_policy_yaml

DEFAULT_SETTINGS_PATH = Path(__file__).resolve().parents[3] / "policy" / "incidents.yml"

# Detection settings must stay in these bounds: a single ticket is not a mass incident.
DETECTION_TICKETS_RANGE = (2, 10_000)
DETECTION_MINUTES_RANGE = (1, 7 * 24 * 60)


@dataclass(frozen=True)
class IncidentSettings:
    """Detection: ``detection_tickets`` tickets of one category within ``detection_minutes`` minutes."""

    detection_tickets: int
    detection_minutes: int


def _whole_number(value: Any, path: Path, where: str, bounds: tuple[int, int]) -> int:
    low, high = bounds
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise fail(path, where, f"must be a whole number from {low} to {high}, got {value!r}")
    return value


def parse_incident_settings(raw: Any, path: Path) -> IncidentSettings:
    """Build IncidentSettings from parsed YAML, raising PolicyError naming the file and the key."""
    if not isinstance(raw, dict):
        raise fail(path, "top level", f"expected a mapping with 'detection', got {type(raw).__name__}")
    for key in raw:
        if key != "detection":
            raise fail(path, str(key), "unknown key (allowed: detection)")
    if "detection" not in raw:
        raise fail(path, "detection", "is required (with 'tickets' and 'minutes')")
    detection = raw["detection"]
    if not isinstance(detection, dict):
        raise fail(path, "detection", f"expected a mapping with 'tickets' and 'minutes', got {detection!r}")
    for key in detection:
        if key not in ("tickets", "minutes"):
            raise fail(path, f"detection.{key}", "unknown key (allowed: tickets, minutes)")
    for key in ("tickets", "minutes"):
        if key not in detection:
            raise fail(path, f"detection.{key}", "is required")
    tickets = _whole_number(detection["tickets"], path, "detection.tickets", DETECTION_TICKETS_RANGE)
    minutes = _whole_number(detection["minutes"], path, "detection.minutes", DETECTION_MINUTES_RANGE)
    return IncidentSettings(detection_tickets=tickets, detection_minutes=minutes)


def load_incident_settings(path: str | Path | None = None) -> IncidentSettings:
    """Read and check the incident settings (default: policy/incidents.yml)."""
    path = Path(path) if path else DEFAULT_SETTINGS_PATH
    return parse_incident_settings(read_policy_yaml(path, "incident settings"), path)
