"""The anger detector's Rasa wrapper: retrains when its examples change, whatever config Rasa passes."""
from __future__ import annotations

from components.anger import AngerDetector


def test_the_fingerprint_follows_the_examples_file_even_with_a_partial_config(tmp_path):
    examples = tmp_path / "examples.jsonl"
    examples.write_text('{"text": "hello", "level": "calm"}\n')
    first = AngerDetector.fingerprint_addon({"examples": str(examples)})
    examples.write_text('{"text": "hello", "level": "calm"}\n{"text": "WHY", "level": "angry"}\n')
    assert AngerDetector.fingerprint_addon({"examples": str(examples)}) != first
    # Rasa's cache check may pass a config without our key: the default file is used.
    assert AngerDetector.fingerprint_addon({}) is not None
