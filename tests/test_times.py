"""Times are stored in UTC and shown in Asia/Tokyo (or $HYOKA_TZ), labelled; JSON keeps ISO with
an offset (issue 12)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from conftest import run_cli
from hyoka.errors import InputError
from hyoka.views import display_zone, local_time

MOMENT = dt.datetime(2026, 11, 24, 19, 32, 5, tzinfo=dt.UTC)


def test_tokyo_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HYOKA_TZ", raising=False)
    monkeypatch.setenv("TZ", "UTC")  # the machine's zone does not matter
    assert local_time(MOMENT) == "2026-11-25 04:32 JST"
    assert local_time("2026-11-24T19:32:05+00:00") == "2026-11-25 04:32 JST"


def test_hyoka_tz_changes_the_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HYOKA_TZ", "UTC")
    assert local_time(MOMENT) == "2026-11-24 19:32 UTC"
    monkeypatch.setenv("HYOKA_TZ", "Europe/Paris")
    assert local_time(MOMENT) == "2026-11-24 20:32 CET"


def test_unknown_zone_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HYOKA_TZ", "Mars/Olympus")
    with pytest.raises(InputError, match="HYOKA_TZ"):
        display_zone()


def test_zone_data_is_a_dependency() -> None:
    import tzdata  # noqa: F401  (slim systems have no /usr/share/zoneinfo)


def _tokyo(iso: str) -> str:
    return local_time(dt.datetime.fromisoformat(iso))


def test_log_text_in_jst_and_json_in_iso(sample_history: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HYOKA_TZ", raising=False)
    code, out, _ = run_cli("log", "sakuragawa", "-f", "json", "--db", sample_history)
    assert code == 0
    stamps = [v["created_at"] for v in json.loads(out)["versions"]]
    assert all(dt.datetime.fromisoformat(s).utcoffset() == dt.timedelta(0) for s in stamps)
    code, text, _ = run_cli("log", "sakuragawa", "--db", sample_history)
    assert code == 0
    for stamp in stamps:
        assert _tokyo(stamp) in text and _tokyo(stamp).endswith(" JST")
    monkeypatch.setenv("HYOKA_TZ", "UTC")
    code, text, _ = run_cli("log", "sakuragawa", "--db", sample_history)
    assert stamps[0][:16].replace("T", " ") + " UTC" in text


def test_audit_table_in_jst_and_json_in_iso(sample_history: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HYOKA_TZ", raising=False)
    code, out, _ = run_cli("audit", "--report", "sakuragawa", "--event", "commit", "-f", "json", "--db",
                           sample_history)
    assert code == 0
    stamps = [r["at"] for r in json.loads(out)]
    assert stamps and all(dt.datetime.fromisoformat(s).tzinfo is not None for s in stamps)
    code, text, _ = run_cli("audit", "--report", "sakuragawa", "--event", "commit", "--db", sample_history)
    assert code == 0
    for stamp in stamps:
        assert _tokyo(stamp) in text


def test_audit_days_are_display_zone_days(sample_history: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """--since/--until name days as shown: a commit shown on the 25th JST is found on the 25th."""
    monkeypatch.delenv("HYOKA_TZ", raising=False)
    code, out, _ = run_cli("audit", "--report", "sakuragawa", "--event", "commit", "-f", "json", "--db",
                           sample_history)
    first = dt.datetime.fromisoformat(json.loads(out)[0]["at"])
    day = first.astimezone(display_zone()).date().isoformat()
    code, out, _ = run_cli("audit", "--report", "sakuragawa", "--event", "commit", "--since", day, "--until", day,
                           "-f", "json", "--db", sample_history)
    assert code == 0 and json.loads(out)


def test_review_override_time_in_jst(sample_history: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HYOKA_TZ", raising=False)
    code, _, err = run_cli("review", "sakuragawa@2", "--change", "1", "--timing", "事前", "--reason", "確認",
                           "--by", "佐藤", "--db", sample_history)
    assert code == 0, err
    code, out, _ = run_cli("review", "sakuragawa@2", "-f", "json", "--db", sample_history)
    at = next(c["effective"]["at"] for c in json.loads(out)["changes"] if c["overridden"])
    assert dt.datetime.fromisoformat(at).utcoffset() is not None
    code, text, _ = run_cli("review", "sakuragawa@2", "--db", sample_history)
    assert f"({_tokyo(at)})" in text
