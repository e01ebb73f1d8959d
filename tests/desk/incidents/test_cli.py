"""The incident command line, python -m calmdesk.desk.incidents (cli.py), and the package docstring naming its commands."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

import calmdesk.desk.incidents as incidents
from calmdesk.desk.incidents import active_incident, get_incident, settings
from calmdesk.desk.incidents.cli import main
from calmdesk.models import utcnow
from tests.desk.incidents.helpers import MESSAGE, REFERENCE, burst


# --- command line ------------------------------------------------------------------------------------


@pytest.fixture
def cli(migrated_engine, database_url, monkeypatch, capsys):
    """Run ``python -m calmdesk.desk.incidents ...`` in-process: (exit code, stdout, stderr)."""
    monkeypatch.setenv("DATABASE_URL", database_url)

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def test_cli_declares_updates_lists_and_closes(cli, migrated_engine):
    code, out, err = cli("declare", "--category", "payment_failed", "--message", MESSAGE, "--by", "agent:alice")
    assert (code, err) == (0, "")
    reference = REFERENCE.search(out).group(0)
    assert "open" in out and MESSAGE in out

    assert cli("update", reference.lower(), "--message", "Fix is rolling out.")[0] == 0
    code, out, _ = cli("list", "--status", "open")
    assert code == 0 and reference in out and "Fix is rolling out." in out

    code, out, _ = cli("close", reference, "--message", "All clear.")
    assert code == 0 and "closed" in out
    assert cli("list", "--status", "open")[1] == "no incidents\n"
    incident = get_incident(migrated_engine, reference)
    assert incident["created_by"] == "agent:alice"
    assert [u["author"] for u in incident["updates"]] == ["staff", "staff"]


def test_cli_declare_with_a_start_time(cli, migrated_engine):
    code, out, _ = cli(
        "declare", "--category", "delivery_problem", "--message", "Parcels are late.", "--started-at",
        "2024-05-01T08:00:00Z",
    )  # fmt: skip
    assert code == 0
    reference = REFERENCE.search(out).group(0)
    assert get_incident(migrated_engine, reference)["started_at"] == "2024-05-01T08:00:00+00:00"


def test_cli_detects_and_confirms(cli, migrated_engine):
    assert cli("detect") == (0, "no new suggestions\n", "")
    burst(migrated_engine, 5, now=utcnow())  # the shipped settings: 5 tickets in 30 minutes

    code, out, _ = cli("detect")
    assert code == 0 and "suggested" in out and "confirm" in out
    reference = REFERENCE.search(out).group(0)

    code, out, _ = cli("confirm", reference, "--message", MESSAGE)
    assert code == 0 and "open" in out
    assert active_incident(migrated_engine, "payment_failed")["reference"] == reference


@pytest.mark.parametrize(
    "argv, mentions",
    [
        (["declare", "--category", "weather", "--message", "m"], "'weather'.*allowed"),
        (["declare", "--category", "other", "--message", "m"], "not 'other'"),
        (["declare", "--category", "payment_failed", "--message", " "], "must not be empty"),
        (["confirm", "INC-000000", "--message", "m"], "no incident with reference 'INC-000000'"),
        (["update", "nope", "--message", "m"], "no incident"),
        (["close", "INC-000000"], "no incident"),
        (["list", "--status", "ongoing"], "'ongoing'.*suggested, open, closed"),
    ],
)
def test_cli_bad_input_exits_non_zero_with_a_clear_error(cli, argv, mentions):
    code, out, err = cli(*argv)
    assert code == 1
    assert out == ""
    assert re.search(mentions, err), err
    assert err.startswith("error: ")


def test_cli_invalid_transition(cli):
    reference = REFERENCE.search(cli("declare", "--category", "payment_failed", "--message", "m")[1]).group(0)
    code, _, err = cli("confirm", reference, "--message", "m")
    assert code == 1 and "cannot confirm" in err


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["declare", "--category", "payment_failed"],  # no --message
        ["update", "INC-000000"],
        ["declare", "--category", "payment_failed", "--message", "m", "--started-at", "2024-05-01T08:00:00"],
        ["declare", "--category", "payment_failed", "--message", "m", "--started-at", "yesterday"],
        ["explode"],
    ],
)
def test_cli_usage_errors_exit_2(cli, argv, capsys):
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    assert "usage:" in capsys.readouterr().err


def test_cli_on_an_unmigrated_database(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    assert main(["list"]) == 1
    assert "python -m calmdesk.db upgrade" in capsys.readouterr().err


def test_cli_detect_with_broken_settings(cli, tmp_path, monkeypatch):
    broken = tmp_path / "incidents.yml"
    broken.write_text("detection:\n  tickets: 0\n  minutes: 30\n", encoding="utf-8")
    monkeypatch.setattr(settings, "DEFAULT_SETTINGS_PATH", broken)
    code, _, err = cli("detect")
    assert code == 1
    assert f"{broken}: detection.tickets" in err


def test_module_docstring_names_every_command():
    doc = incidents.__doc__ or ""
    for command in ("declare", "confirm", "update", "close", "list", "detect"):
        assert f"python -m calmdesk.desk.incidents {command}" in doc
    assert Path(incidents.DEFAULT_SETTINGS_PATH).is_file()
