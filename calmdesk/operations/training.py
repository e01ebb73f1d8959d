"""Train the Rasa model only when its inputs changed.

`rasa train` takes minutes; the run and test commands call ``ensure_model``,
which fingerprints everything the model is built from (config, domain, NLU,
stories, rules and the Rasa version) and retrains only when that changed or
the model file is missing. (``.jsonl`` files under data/ count too: the anger
detector trains from data/anger/examples.jsonl, and from the GoEmotions train split beside the
repo, ../shared/benchmarks/anger_goemotions_train.jsonl, when it is there: its bytes, or its
absence, count as well.) The fingerprint sits next to the model.

Command line: ``python -m calmdesk.operations.training [--force]``.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

from calmdesk.understanding.leakage import GOEMOTIONS_TRAIN

ROOT = Path(__file__).resolve().parents[2]
MODEL_NAME = "calmdesk"


def model_path(models_dir: Path = ROOT / "models") -> Path:
    return models_dir / f"{MODEL_NAME}.tar.gz"


def training_inputs(root: Path = ROOT) -> list[Path]:
    files = [root / "config.yml"]
    for folder in ("domain", "data"):
        files += sorted(p for p in (root / folder).rglob("*") if p.suffix in {".yml", ".yaml", ".jsonl"})
    # The custom pipeline components are part of the model too: a change to
    # their code must retrain, not load a model built by the old code.
    files += sorted((root / "components").rglob("*.py"))
    # The anger model, the sentence encoder, the anger rules and category words, the leakage check.
    files += sorted((root / "calmdesk" / "understanding").rglob("*.py"))
    return files


def fingerprint(root: Path = ROOT) -> str:
    digest = hashlib.sha256()
    try:
        from importlib.metadata import version

        digest.update(version("rasa").encode())
    except Exception:  # noqa: BLE001 - the version only refines the fingerprint
        pass
    for path in training_inputs(root):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    # Outside the project (and the same file wherever the project lives): the anger detector's chatter data.
    digest.update(GOEMOTIONS_TRAIN.read_bytes() if GOEMOTIONS_TRAIN.exists() else b"no GoEmotions train split")
    return digest.hexdigest()


def is_fresh(models_dir: Path = ROOT / "models") -> bool:
    stamp = models_dir / f"{MODEL_NAME}.fingerprint"
    return model_path(models_dir).exists() and stamp.exists() and stamp.read_text().strip() == fingerprint()


def rasa_env() -> dict[str, str]:
    """The environment every Rasa command runs with: no telemetry, quiet SQLAlchemy."""
    env = dict(os.environ)
    env.update(RASA_TELEMETRY_ENABLED="false", SQLALCHEMY_SILENCE_UBER_WARNING="1", TF_CPP_MIN_LOG_LEVEL="2")
    return env


def rasa_executable() -> str:
    return str(Path(sys.executable).with_name("rasa"))


def ensure_model(force: bool = False, models_dir: Path = ROOT / "models") -> Path:
    """Train when the model is missing or stale; return the model's path."""
    if not force and is_fresh(models_dir):
        print(f"model is up to date: {model_path(models_dir).relative_to(ROOT)}", flush=True)
        return model_path(models_dir)
    from calmdesk.understanding.leakage import check_no_leakage

    # Evaluation text (tests/eval, the benchmarks) in data/ would make every figure of `make eval` a memory
    # test: refuse to train rather than ship a model whose measurements mean nothing.
    check_no_leakage()
    print("training the model (config, domain or data changed)...", flush=True)
    started = time.monotonic()
    expected = fingerprint()
    subprocess.run(
        [rasa_executable(), "train", "--domain", "domain", "--data", "data", "--config", "config.yml",
         "--out", str(models_dir), "--fixed-model-name", MODEL_NAME],
        cwd=ROOT, env=rasa_env(), check=True,
    )
    (models_dir / f"{MODEL_NAME}.fingerprint").write_text(expected + "\n")
    print(f"trained in {time.monotonic() - started:.0f} s", flush=True)
    return model_path(models_dir)


if __name__ == "__main__":
    try:
        ensure_model(force="--force" in sys.argv)
    except subprocess.CalledProcessError as error:
        sys.exit(f"training failed (exit {error.returncode}); the messages above say why")
    except ValueError as error:  # calmdesk.understanding.leakage.LeakageError
        sys.exit(f"training refused: {error}")
