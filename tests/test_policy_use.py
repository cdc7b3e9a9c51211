"""Adopting a policy is an audited act; classify events name the policy that decided; a stored
report's own record of decisions is what `hyoka calibrate ID` learns from."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import SAMPLES, run_cli, run_sql
from hyoka.classify.calibrate_store import stored_rows
from hyoka.classify.policy import policy_document, policy_hash
from hyoka.store import Store
from hyoka.store.items import decode_body

SAKURAGAWA = SAMPLES / "sakuragawa"
SYSTEMS_PRIOR = '[star]\nadd_under = ["I/2/システムN"]\n'


@pytest.fixture
def db(db_url: str) -> str:
    assert run_cli("init", "--db", db_url)[0] == 0
    for n in (1, 2):
        code, _, err = run_cli("commit", str(SAKURAGAWA / f"v{n}.txt"), "-r", "sakuragawa", "-a", "山田",
                               "--db", db_url)
        assert code == 0, err
    return db_url


def _classify_events(db: str) -> list[dict[str, object]]:
    rows = run_sql(db, "SELECT payload FROM events WHERE report_id = 'sakuragawa' AND kind = 'classify' ORDER BY seq")
    return [json.loads(payload) for (payload,) in rows]


def _system_timings(db: str, version: int) -> set[str]:
    rows = run_sql(db, "SELECT path, timing FROM events WHERE report_id = 'sakuragawa' AND kind = 'change' "
                       "AND version = :v", v=version)
    return {timing for path, timing in rows if str(path).startswith("I/2/システム")}


def test_adopted_policy_classifies_later_commits_and_is_recorded(db: str, tmp_path: Path) -> None:
    policy = tmp_path / "systems.toml"
    policy.write_text(SYSTEMS_PRIOR, encoding="utf-8")
    digest = policy_hash(SYSTEMS_PRIOR)
    default_hash = policy_hash("")
    assert [e["policy_hash"] for e in _classify_events(db)] == [default_hash]

    code, out, err = run_cli("policy", "use", "sakuragawa", str(policy), "--by", "佐藤", "--db", db)
    assert code == 0, err
    assert digest[:12] in out
    stored = run_sql(db, "SELECT kind, body FROM blobs WHERE hash = :h", h=digest)
    assert [(kind, decode_body(body)) for kind, body in stored] == [("policy", policy_document(SYSTEMS_PRIOR))]
    [(actor, payload)] = run_sql(db, "SELECT actor, payload FROM events WHERE kind = 'policy'")
    assert actor == "佐藤" and json.loads(payload)["hash"] == digest
    code, out, err = run_cli("audit", "--report", "sakuragawa", "--event", "policy", "--db", db)
    assert code == 0, err
    assert "ポリシー採用" in out and "佐藤" in out and digest[:12] in out

    assert run_cli("commit", str(SAKURAGAWA / "v3.txt"), "-r", "sakuragawa", "-a", "山田", "--db", db)[0] == 0
    assert _classify_events(db)[-1]["policy_hash"] == digest
    assert _system_timings(db, 3) == {"事前"}  # the new システム4 rows: ※ by the adopted policy

    # --policy overrides for one command; the adopted one stays for the next
    other = tmp_path / "default.toml"
    other.write_text("", encoding="utf-8")
    assert run_cli("commit", str(SAKURAGAWA / "v4.txt"), "-r", "sakuragawa", "-a", "山田", "--policy", str(other),
                   "--db", db)[0] == 0
    assert _classify_events(db)[-1]["policy_hash"] == default_hash
    code, out, err = run_cli("verify", "--db", db)
    assert code == 0, out + err


def test_bad_policy_or_report_writes_nothing(db: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[classification]\nno_such_switch = true\n", encoding="utf-8")
    before = run_sql(db, "SELECT count(*) FROM events")
    code, out, err = run_cli("policy", "use", "sakuragawa", str(bad), "--by", "佐藤", "--db", db)
    assert code == 2 and out == "" and len(err.splitlines()) == 1 and "no_such_switch" in err
    good = tmp_path / "good.toml"
    good.write_text(SYSTEMS_PRIOR, encoding="utf-8")
    assert run_cli("policy", "use", "nosuchreport", str(good), "--by", "佐藤", "--db", db)[0] == 2
    assert run_cli("policy", "use", "sakuragawa", str(good), "--by", " ", "--db", db)[0] == 2
    assert run_sql(db, "SELECT count(*) FROM events") == before
    assert run_sql(db, "SELECT count(*) FROM blobs WHERE kind = 'policy'") == [(0,)]


def test_calibrate_from_a_stored_report_uses_decisions_in_force(db: str) -> None:
    assert run_cli("commit", str(SAKURAGAWA / "v3.txt"), "-r", "sakuragawa", "-a", "山田", "--db", db)[0] == 0
    store = Store(db)
    try:
        form, rows = stored_rows(store, "sakuragawa")
        first = store.checkout("sakuragawa", 1)
    finally:
        store.close()
    assert form == "重点"
    imported = [row for row in first.appendix if row.timing in ("事前", "事後")]
    assert rows[: len(imported)] == imported
    later = rows[len(imported):]
    assert {row.date for row in later} == {"第2版", "第3版"}
    systems = [row for row in later if row.date == "第3版" and "システム4" in row.item]
    assert systems and {row.timing for row in systems} == {"事後"}
    # a person's override is the decision in force
    code, out, _ = run_cli("review", "sakuragawa@3", "--format", "json", "--db", db)
    index = next(c["index"] for c in json.loads(out)["changes"] if "システム4" in c["item"])
    assert run_cli("review", "sakuragawa@3", "--change", str(index), "--timing", "事前", "--reason",
                   "システムの追加は事前に提出する", "--by", "佐藤", "--db", db)[0] == 0
    store = Store(db)
    try:
        _, rows = stored_rows(store, "sakuragawa")
    finally:
        store.close()
    overridden = [row for row in rows if row.reason == "システムの追加は事前に提出する"]
    assert len(overridden) == 1 and overridden[0].timing == "事前"
    code, out, err = run_cli("calibrate", "sakuragawa", "--db", db)
    assert code == 0, err
    assert out.startswith("# hyoka calibrate: sakuragawa の変更箇所") and "学習した設定" in err


def _system_rows(text: str) -> set[str]:
    """The 提出時期 of the システム4 rows of a diff's JSON."""
    return {c["timing"] for c in json.loads(text)["changes"] if c["path"].startswith("I/2/システム4")}


def test_the_adopted_policy_decides_tables_and_diffs_of_the_report(db: str, tmp_path: Path) -> None:
    """Not only later commits: a table or a diff of the report's own versions uses the adopted
    policy too, unless --policy is given; a diff of two files never does."""
    assert run_cli("commit", str(SAKURAGAWA / "v3.txt"), "-r", "sakuragawa", "-a", "山田", "--db", db)[0] == 0
    code, out, err = run_cli("diff", "sakuragawa@2", "sakuragawa@3", "-f", "json", "--db", db)
    assert code == 0, err
    assert _system_rows(out) == {"事後"}  # the default: システムN is not ※
    policy = tmp_path / "systems.toml"
    policy.write_text(SYSTEMS_PRIOR, encoding="utf-8")
    assert run_cli("policy", "use", "sakuragawa", str(policy), "--by", "佐藤", "--db", db)[0] == 0

    code, out, err = run_cli("diff", "sakuragawa@2", "sakuragawa@3", "-f", "json", "--db", db)
    assert code == 0, err
    assert _system_rows(out) == {"事前"}
    default = tmp_path / "default.toml"
    default.write_text("", encoding="utf-8")
    code, out, err = run_cli("diff", "sakuragawa@2", "sakuragawa@3", "-f", "json", "--policy", str(default),
                             "--db", db)
    assert code == 0 and _system_rows(out) == {"事後"}
    code, out, err = run_cli("diff", str(SAKURAGAWA / "v2.txt"), str(SAKURAGAWA / "v3.txt"), "-f", "json",
                             "--db", db)
    assert code == 0 and _system_rows(out) == {"事後"}  # files belong to no report

    code, out, err = run_cli("appendix", "sakuragawa", "--from", "2", "--to", "3", "-f", "csv", "--by", "佐藤",
                             "--db", db)
    assert code == 0, err
    rows = [line for line in out.splitlines() if "システム4" in line]
    assert rows and all("事前" in line and "事後" not in line for line in rows)
