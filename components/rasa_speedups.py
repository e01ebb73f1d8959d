"""Speed fixes for Rasa itself, applied when the Rasa server imports our code.

Why this exists
---------------
Rasa 3.6 checks every reply from the action server with
``jsonschema.validate(result, RemoteAction.action_response_format_spec())``
(``RemoteAction._validate_action_result`` in rasa/core/actions/action.py).
``jsonschema.validate`` is the convenience function: on *every* call it first
checks Rasa's large, constant events schema against the JSON-Schema
metaschema and builds a fresh validator, and only then checks the reply.
``make bench`` with py-spy (docs/bench.md) found remote action calls to be
39% of our Rasa server's busy time at concurrency 20, nearly all of it in that
call: ~158 ms per reply on the loaded 2-core machine, against 0.28 ms with a
validator built once.  Every calmdesk turn runs 2–4 custom actions, so this
was the single largest cost per turn.

What it does
------------
``install()`` replaces ``RemoteAction._validate_action_result`` with
``validate_action_result``: the schema is checked against its metaschema once
and one validator is built once (``validator_for(schema)(schema)``); each reply
is then checked with ``best_match(validator.iter_errors(result))`` — exactly
what ``jsonschema.validate`` does after its schema check — so a valid reply
returns True and an invalid one raises the same ``ValidationError`` (same best
match) with the same message Rasa appends.  tests/test_rasa_speedups.py runs
Rasa's original and this one on the same replies and compares them.

Where it is installed
---------------------
``channels/masked.py`` imports this module and calls ``install()``: ``rasa run``
imports that module for credentials.yml, so the patch is active in the process
that calls the action server, without touching config.yml, domain/ or data/
(which would force retraining).

Re-check on every Rasa upgrade
------------------------------
This copies the behaviour of one private Rasa method.  It is applied only on
the Rasa version it was written and tested against (``RASA_VERSION``); on any
other version it logs a warning and leaves Rasa alone.  When upgrading Rasa,
read the new ``_validate_action_result``, re-run tests/test_rasa_speedups.py,
then bump ``RASA_VERSION``.
"""
from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any, Dict

logger = logging.getLogger(__name__)

RASA_VERSION = "3.6.21"

# Rasa's own method, kept by install() (tests compare the two on the same replies).
rasa_original = None


@lru_cache(maxsize=1)
def action_response_validator() -> Any:
    """One validator for Rasa's action-response schema, the schema checked once."""
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate_action_result(self: Any, result: Dict[str, Any]) -> bool:
    """Rasa's ``RemoteAction._validate_action_result`` with a cached validator."""
    from jsonschema.exceptions import best_match
    from rasa.shared.constants import DOCS_BASE_URL

    error = best_match(action_response_validator().iter_errors(result))
    if error is None:
        return True
    # The same words Rasa 3.6.21 adds to the message before re-raising.
    error.message += (
        f". Failed to validate Action server response from API, "
        f"make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


def installed() -> bool:
    """True if Rasa's action-response check is the cached one."""
    from rasa.core.actions.action import RemoteAction

    return RemoteAction._validate_action_result is validate_action_result


def install() -> bool:
    """Patch Rasa if it is the version this was checked against; True if the patch is active."""
    import rasa
    from rasa.core.actions.action import RemoteAction

    if rasa.__version__ != RASA_VERSION:
        logger.warning(
            "components.rasa_speedups: Rasa is %s, not %s; the cached action-response validator "
            "is NOT installed (every action reply pays jsonschema's schema check again). "
            "Re-check rasa/core/actions/action.py and bump RASA_VERSION.",
            rasa.__version__, RASA_VERSION,
        )
        return False
    global rasa_original
    if RemoteAction._validate_action_result is not validate_action_result:
        rasa_original = RemoteAction._validate_action_result
        RemoteAction._validate_action_result = validate_action_result
    return True
