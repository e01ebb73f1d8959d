"""Retraining only when the model's inputs changed: the fingerprint."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from calmdesk.operations.training import ROOT, fingerprint, training_inputs


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the project's training inputs: config.yml, domain/, data/ and the components' code."""
    shutil.copy2(ROOT / "config.yml", tmp_path / "config.yml")
    shutil.copytree(ROOT / "domain", tmp_path / "domain")
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copytree(ROOT / "components", tmp_path / "components", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "calmdesk").mkdir()
    # The encoder, the anger model with its cues, lexicons and rules, the category words.
    shutil.copytree(ROOT / "calmdesk" / "understanding", tmp_path / "calmdesk" / "understanding",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def a_data_file(project: Path) -> Path:
    return next(p for p in sorted((project / "data").rglob("*.yml")))


def test_the_inputs_are_the_config_domain_data_and_component_files(project):
    inputs = training_inputs(project)
    relative = [p.relative_to(project).as_posix() for p in inputs]
    assert relative[0] == "config.yml"
    assert any(r.startswith("domain/") for r in relative)
    assert any(r.startswith("data/nlu/") for r in relative)
    assert any(r.startswith("data/rules/") for r in relative)
    assert "components/anger.py" in relative and "calmdesk/understanding/anger_model.py" in relative
    assert "calmdesk/understanding/minilm.py" in relative
    assert "calmdesk/understanding/lexicons.py" in relative  # the anger model's features live there
    assert all(r.endswith((".yml", ".yaml", ".jsonl")) for r in relative if not r.endswith(".py"))
    assert len(relative) == len(set(relative))


def test_the_project_copy_has_the_same_inputs_as_the_project(project):
    ours = [p.relative_to(ROOT) for p in training_inputs()]
    copied = [p.relative_to(project) for p in training_inputs(project)]
    assert copied == ours


def test_the_fingerprint_is_stable_across_calls(project):
    first = fingerprint(root=project)
    assert fingerprint(root=project) == first
    assert len(first) == 64 and int(first, 16) >= 0  # a sha256 hex digest


def test_the_fingerprint_does_not_depend_on_where_the_project_lives(project, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    shutil.copytree(project, elsewhere, dirs_exist_ok=True)
    assert fingerprint(root=elsewhere) == fingerprint(root=project)
    assert fingerprint(root=project) == fingerprint()  # the copy is the project's inputs, byte for byte


def test_changing_a_data_file_changes_the_fingerprint(project):
    before = fingerprint(root=project)
    path = a_data_file(project)
    path.write_text(path.read_text(encoding="utf-8") + "\n# one more line\n", encoding="utf-8")
    assert fingerprint(root=project) != before


def test_changing_the_config_or_domain_changes_the_fingerprint(project):
    before = fingerprint(root=project)
    config = project / "config.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\n# retuned\n", encoding="utf-8")
    after_config = fingerprint(root=project)
    assert after_config != before

    domain_file = next(iter(sorted((project / "domain").rglob("*.yml"))))
    domain_file.write_bytes(domain_file.read_bytes() + b"\n")
    assert fingerprint(root=project) != after_config


def test_undoing_a_change_restores_the_fingerprint(project):
    before = fingerprint(root=project)
    path = a_data_file(project)
    original = path.read_bytes()
    path.write_bytes(original + b"\n# temporary\n")
    assert fingerprint(root=project) != before
    path.write_bytes(original)
    assert fingerprint(root=project) == before


def test_adding_or_removing_a_data_file_changes_the_fingerprint(project):
    before = fingerprint(root=project)
    extra = project / "data" / "nlu" / "extra.yml"
    extra.write_text('version: "3.1"\nnlu: []\n', encoding="utf-8")
    assert extra in training_inputs(project)
    with_extra = fingerprint(root=project)
    assert with_extra != before
    extra.unlink()
    assert fingerprint(root=project) == before


def test_moving_a_file_changes_the_fingerprint(project):
    before = fingerprint(root=project)
    path = a_data_file(project)
    path.rename(path.with_name("renamed_" + path.name))
    assert fingerprint(root=project) != before


def test_files_that_are_not_training_data_do_not_trigger_retraining(project):
    before = fingerprint(root=project)
    (project / "data" / "README.md").write_text("notes for humans\n", encoding="utf-8")
    (project / "data" / "nlu" / "complaints.yml.bak").write_text("old copy\n", encoding="utf-8")
    (project / "models").mkdir()
    (project / "models" / "calmdesk.tar.gz").write_bytes(b"model")
    assert fingerprint(root=project) == before


def test_changing_a_components_code_changes_the_fingerprint(project):
    before = fingerprint(root=project)
    path = project / "components" / "anger.py"
    path.write_text(path.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert fingerprint(root=project) != before


def test_the_goemotions_train_split_beside_the_repo_counts_too(project, tmp_path, monkeypatch):
    import calmdesk.operations.training as training

    chatter = tmp_path / "anger_goemotions_train.jsonl"
    monkeypatch.setattr(training, "GOEMOTIONS_TRAIN", chatter)
    missing = fingerprint(root=project)
    chatter.write_text('{"text": "what a game", "labels": ["joy"]}\n')
    present = fingerprint(root=project)
    chatter.write_text('{"text": "what a game", "labels": ["annoyance"]}\n')
    assert len({missing, present, fingerprint(root=project)}) == 3
