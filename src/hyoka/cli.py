"""The `hyoka` command: parse options, call one library function, print.

Every user-caused error is a HyokaError; it is printed as one line on stderr
with exit code 2, and nothing is written (the store commits in one transaction).
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from hyoka.cli_base import (
    ByOption,
    DbOption,
    OutOption,
    OutputFormat,
    PolicyOption,
    ReportPolicyOption,
    _adopted_unless_given,
    _load_policy,
    _one_stored_report,
    _require_by,
    _store,
    app,
    is_stored_ref,
    parse_ref,
    user_errors,
)
from hyoka.errors import InputError
from hyoka.ingest import dumps, read_file, read_report
from hyoka.model import Report
from hyoka.views import (
    VersionRow,
    comparison_json,
    comparison_text,
    local_date,
    log_json,
    log_text,
    select_items,
    show_json,
    show_text,
)


@app.command()
@user_errors
def init(db: DbOption = None) -> None:
    """データベースを作成・更新する (alembic upgrade head)."""
    from hyoka.store import init_db, resolve_url
    from hyoka.store.migrate import display_url

    init_db(db)
    typer.echo(f"データベースを初期化しました: {display_url(resolve_url(db))}")


@app.command()
@user_errors
def commit(
    file: Annotated[Path, typer.Argument(help="評価書ファイル (公表版テキスト または hyoka 形式)")],
    report: Annotated[str, typer.Option("--report", "-r", help="評価書ID (例: sakuragawa-keijidosha)")],
    author: Annotated[str, typer.Option("--author", "-a", envvar="USER", help="作成者 (必須。既定: $USER)")] = "",
    message: Annotated[str, typer.Option("--message", "-m", help="変更の説明")] = "",
    policy: ReportPolicyOption = None,
    parent: Annotated[
        int | None, typer.Option("--parent", help="このファイルの編集元の版 (最新版でなければ記録しない)")
    ] = None,
    rebase: Annotated[
        bool, typer.Option("--rebase", help="編集元 (--parent) が最新版でなければ最新版と三方向マージして記録する")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="評価書番号・様式などが最新版と違っても記録する (監査記録に残る)")
    ] = False,
    db: DbOption = None,
) -> None:
    """評価書の新しい版を記録する (前の版との変更を分類し、監査記録に残す)."""
    from hyoka.audit.record import commit_report

    _require_by(author, "--author")
    parsed = _read_warning(file)
    rules = _load_policy(policy)
    with _store(db) as store:
        rules = _adopted_unless_given(policy, rules, store, report)
        result = commit_report(store, report, parsed, author=author, message=message, policy=rules, parent=parent,
                               rebase=rebase, force=force, warn=lambda line: typer.echo(line, err=True))
    v = result.version
    if not result.created:
        typer.echo(f"変更はありません: {report}@{v.number} と同じ内容です (新しい版は作りません)")
        return
    typer.echo(
        f"{report}@{v.number} を記録しました  hash {v.hash[:10]}  "
        f"項目 {v.item_count} (+{v.added} −{v.removed} ~{v.modified})  新しい値 {result.new_blobs}"
    )


@app.command()
@user_errors
def revert(
    ref: Annotated[str, typer.Argument(help="評価書ID@版 (この版の内容に戻す)")],
    message: Annotated[str, typer.Option("--message", "-m", help="戻す理由 (必須)")] = "",
    by: Annotated[str, typer.Option("--by", envvar="USER", help="実行者 (必須。既定: $USER)")] = "",
    policy: ReportPolicyOption = None,
    db: DbOption = None,
) -> None:
    """ある版の内容を新しい版として記録し直す (分類し、revert として監査記録に残す)."""
    from hyoka.audit.record import revert_report

    _require_by(by, "--by")
    report_id, number = parse_ref(ref)
    if number is None:
        raise InputError(f"戻す版を 評価書ID@版 で指定してください / give the version to return to: {ref}@N")
    rules = _load_policy(policy)
    with _store(db) as store:
        rules = _adopted_unless_given(policy, rules, store, report_id)
        result = revert_report(store, report_id, number, author=by, reason=message, policy=rules)
    v = result.version
    if not result.created:
        typer.echo(f"変更はありません: 最新版 {report_id}@{v.number} は {number} 版と同じ内容です")
        return
    typer.echo(
        f"{report_id}@{v.number} を記録しました ({number} 版の内容に戻しました)  hash {v.hash[:10]}  "
        f"項目 {v.item_count} (+{v.added} −{v.removed} ~{v.modified})"
    )


def _rows(versions: list) -> list[VersionRow]:  # type: ignore[type-arg]
    return [
        VersionRow(
            number=v.number,
            created_at=v.created_at.isoformat(timespec="seconds"),
            author=v.author,
            message=v.message,
            hash=v.hash,
            item_count=v.item_count,
            added=v.added,
            removed=v.removed,
            modified=v.modified,
        )
        for v in versions
    ]


@app.command()
@user_errors
def log(
    report: Annotated[str, typer.Argument(help="評価書ID")],
    format: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.text,
    db: DbOption = None,
) -> None:
    """版の履歴 (番号・日時・作成者・メッセージ・ハッシュ・項目の増減)."""
    with _store(db) as store:
        rows = _rows(store.log(report))
    typer.echo(log_json(report, rows) if format is OutputFormat.json else log_text(report, rows))


@app.command()
@user_errors
def show(
    ref: Annotated[str, typer.Argument(help="評価書ID@版 (版を省くと最新)")],
    item: Annotated[str | None, typer.Option("--item", "-i", help='項目パス (例: "II/3/①入手元")')] = None,
    format: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.text,
    db: DbOption = None,
) -> None:
    """ある版の内容を表示する (項目パスで絞り込み可)."""
    report_id, number = parse_ref(ref)
    with _store(db) as store:
        info = store.version(report_id, number)
        report = store.checkout(report_id, info.number)
    items = select_items(report, item)
    if item and not items:
        raise InputError(f"項目 {item} は {report_id}@{info.number} にありません / no such item")
    render = show_json if format is OutputFormat.json else show_text
    typer.echo(render(report_id, info.number, report, items))


@app.command()
@user_errors
def export(
    ref: Annotated[str, typer.Argument(help="評価書ID@版")],
    db: DbOption = None,
) -> None:
    """ある版を hyoka 形式のテキストで出力する (編集して commit し直せる)."""
    report_id, number = parse_ref(ref)
    with _store(db) as store:
        report = store.checkout(report_id, number)
    sys.stdout.write(dumps(report))


def _read_warning(path: Path) -> Report:
    """Read a file; one line on stderr when some of its lines fit no item of the form."""
    from hyoka.check import warning_line

    reading = read_file(path)
    warning = warning_line(reading.diagnostics, str(path))
    if warning:
        typer.echo(warning, err=True)
    return reading.report


def _load_side(ref: str, db: str | None) -> tuple[Report, str]:
    """A diff side: a file on disk, or "id@n" from the store."""
    if not is_stored_ref(ref):
        return _read_warning(Path(ref)), ref
    report_id, number = parse_ref(ref)
    with _store(db) as store:
        info = store.version(report_id, number)
        return store.checkout(report_id, info.number), f"{report_id}@{info.number}"


def _style(text: str, op: str) -> str:
    if op == "delete":
        return typer.style(f"[-{text}-]", fg="red")
    return typer.style(f"{{+{text}+}}", fg="green")


@app.command()
@user_errors
def diff(
    old: Annotated[str, typer.Argument(help="旧版: ファイル または 評価書ID@版")],
    new: Annotated[str, typer.Argument(help="新版: ファイル または 評価書ID@版")],
    format: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.text,
    policy: ReportPolicyOption = None,
    all_prior: Annotated[
        bool, typer.Option("--all-prior", help="重要な変更が1件でもあれば全行を事前とする")
    ] = False,
    db: DbOption = None,
) -> None:
    """二つの版の差分と、各変更の分類 (重要/形式的, 事前/事後, 理由, 規則)."""
    from dataclasses import replace

    from hyoka.classify import compare_reports

    rules = _load_policy(policy)
    old_report, old_name = _load_side(old, db)
    new_report, new_name = _load_side(new, db)
    if policy is None and (same := _one_stored_report(old, new)) is not None:
        with _store(db) as store:  # two versions of one report: the policy it adopted, if any
            rules = _adopted_unless_given(None, rules, store, same)
    if all_prior:
        rules = replace(rules, all_prior_when_important=True)
    comparison = compare_reports(old_report, new_report, rules)
    if format is OutputFormat.json:
        typer.echo(comparison_json(comparison, old_name, new_name))
    else:
        typer.echo(comparison_text(comparison, old_name, new_name, _style))


@app.command("classify-row")
@user_errors
def classify_row_command(
    form: Annotated[str, typer.Option("--form", help="様式: 基礎 / 重点 / 全項目")] = "重点",
    item: Annotated[str | None, typer.Option("--item", help="変更箇所の「項目」欄")] = None,
    before: Annotated[str, typer.Option("--before", help="変更前の記載")] = "",
    after: Annotated[str, typer.Option("--after", help="変更後の記載")] = "",
    jsonl: Annotated[
        Path | None, typer.Option("--jsonl", help='1行1件の JSON ({"form","item","before","after"}); - で標準入力')
    ] = None,
    policy: PolicyOption = None,
) -> None:
    """変更箇所の1行 (または JSONL の各行) を分類する."""
    from hyoka.classify.batch import classify_jsonl, classify_one

    rules = _load_policy(policy)
    if jsonl is not None:
        source = sys.stdin if str(jsonl) == "-" else None
        for line in classify_jsonl(jsonl, rules, source):
            typer.echo(line)
        return
    if item is None:
        raise InputError("--item か --jsonl が必要です / give --item or --jsonl")
    typer.echo(classify_one(form, item, before, after, rules))


FromOption = Annotated[
    int | None, typer.Option("--from", help="起点の版 (省略時: 変更箇所は初版から、他は --to の前の版)")
]


ToOption = Annotated[int | None, typer.Option("--to", help="終点の版 (省略時: 最新)")]


def _table_command(
    kind: str, report_id: str, start: int | None, stop: int | None, date: str | None,
    fmt: str | None, output: Path | None, policy: Path | None, db: str | None, by: str,
) -> None:
    from hyoka.era import parse_date
    from hyoka.tables.build import build_table, generated_event
    from hyoka.tables.output import choose_format, table_bytes, write_output

    _require_by(by, "--by")
    if date is not None and parse_date(date) is None:
        raise InputError(f"日付が読めません (例: 令和7年11月1日) / cannot read date: {date}")
    chosen = choose_format(fmt, output, "md" if kind == "appendix" else "html")
    rules = _load_policy(policy)
    with _store(db) as store:
        rules = _adopted_unless_given(policy, rules, store, report_id)
        table = build_table(store, report_id, kind, rules, start, stop, date)
        data = table_bytes(table, kind, chosen)
        write_output(data, output, chosen)
        store.append(report_id, [generated_event(table, kind, chosen, data, output, by)])
    if output is not None:
        typer.echo(f"{table.title} ({len(table.rows)} 行) を書き出しました: {output}", err=True)


@app.command()
@user_errors
def appendix(
    report_id: Annotated[str, typer.Argument(help="評価書ID")],
    start: FromOption = None,
    stop: ToOption = None,
    date: Annotated[str | None, typer.Option("--date", help="最新の改訂の変更日 (例: 令和7年11月1日)")] = None,
    format: Annotated[str | None, typer.Option("--format", "-f", help="md / csv / html / xlsx")] = None,
    output: OutOption = None,
    policy: ReportPolicyOption = None,
    by: ByOption = "",
    db: DbOption = None,
) -> None:
    """変更箇所 (別添) を作る: 初版からの累積、または --from 〜 --to の改訂."""
    _table_command("appendix", report_id, start, stop, date, format, output, policy, db, by)


@app.command()
@user_errors
def shinkyu(
    report_id: Annotated[str, typer.Argument(help="評価書ID")],
    start: FromOption = None,
    stop: ToOption = None,
    format: Annotated[str | None, typer.Option("--format", "-f", help="html / xlsx")] = None,
    output: OutOption = None,
    policy: ReportPolicyOption = None,
    by: ByOption = "",
    db: DbOption = None,
) -> None:
    """新旧対照表 (HTML / xlsx): 変更された項目ごとに旧・新を並べ、変更箇所に印を付ける."""
    _table_command("shinkyu", report_id, start, stop, None, format, output, policy, db, by)


@app.command()
@user_errors
def ichiran(
    report_id: Annotated[str, typer.Argument(help="評価書ID")],
    start: FromOption = None,
    stop: ToOption = None,
    output: OutOption = None,
    policy: ReportPolicyOption = None,
    by: ByOption = "",
    db: DbOption = None,
) -> None:
    """変更箇所一覧 (HTML): 項目、箇所、理由、追加した記載に下線."""
    _table_command("ichiran", report_id, start, stop, None, None, output, policy, db, by)


def _yes_no(value: str | None, name: str) -> bool | None:
    if value is None:
        return None
    answers = {"yes": True, "y": True, "はい": True, "true": True, "no": False, "n": False, "いいえ": False,
               "false": False}
    if value.lower() not in answers:
        raise InputError(f"{name} は yes か no です / {name} must be yes or no: {value}")
    return answers[value.lower()]


@app.command()
@user_errors
def review(
    ref: Annotated[str, typer.Argument(help="評価書ID@版 (その版で入った変更を見る)")],
    change: Annotated[int | None, typer.Option("--change", help="判断を変える変更の番号")] = None,
    timing: Annotated[str | None, typer.Option("--timing", help="事前 / 事後")] = None,
    important: Annotated[str | None, typer.Option("--important", help="yes / no")] = None,
    reason: Annotated[str, typer.Option("--reason", help="判断の理由")] = "",
    by: Annotated[str, typer.Option("--by", envvar="USER", help="判断した人 (--change のとき必須。既定: $USER)")] = "",
    format: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.text,
    db: DbOption = None,
) -> None:
    """ある版の変更と分類を見る。--change で人の判断を記録する (機械の判断は消えない)."""
    from hyoka.audit.review import override, reviewed_changes
    from hyoka.audit.views import review_json, review_text

    report_id, number = parse_ref(ref)
    if change is not None:
        _require_by(by, "--by")
    with _store(db) as store:
        version = store.version(report_id, number).number
        if change is not None:
            done = override(store, report_id, version, change, important=_yes_no(important, "--important"),
                            timing=timing, reason=reason, by=by)
            e = done.effective
            typer.echo(f"{report_id}@{version} 変更 {change}: {e.category} / {e.timing} と記録しました ({e.by})")
            return
        changes = reviewed_changes(store, report_id, version)
    render = review_json if format is OutputFormat.json else review_text
    typer.echo(render(report_id, version, changes))


@app.command()
@user_errors
def publish(
    ref: Annotated[str, typer.Argument(help="評価書ID@版 (公表した版)")],
    date: Annotated[str, typer.Option("--date", help="公表日 (例: 令和7年11月1日)")],
    by: Annotated[str, typer.Option("--by", envvar="USER", help="公表の手続をした人 (必須。既定: $USER)")] = "",
    db: DbOption = None,
) -> None:
    """版を公表したことを監査記録に残す (公表日)."""
    from hyoka.audit.record import record_publication

    report_id, number = parse_ref(ref)
    with _store(db) as store:
        published, printed = record_publication(store, report_id, number, date, by)
    typer.echo(f"{report_id}@{published} を {printed} に公表したと記録しました")


class AuditFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


@app.command()
@user_errors
def audit(
    report: Annotated[str | None, typer.Option("--report", help="評価書ID")] = None,
    item: Annotated[str | None, typer.Option("--item", help='項目パス (glob 可: "II/6/*")')] = None,
    since: Annotated[str | None, typer.Option("--since", help="この日以降 (2025-04-01 / 令和7年4月1日)")] = None,
    until: Annotated[str | None, typer.Option("--until", help="この日まで")] = None,
    important: Annotated[str | None, typer.Option("--important", help="yes / no")] = None,
    timing: Annotated[str | None, typer.Option("--timing", help="事前 / 事後")] = None,
    category: Annotated[str | None, typer.Option("--category", help="重要な変更 / 形式的な変更 / …")] = None,
    rule: Annotated[str | None, typer.Option("--rule", help="規則ID (override を含む)")] = None,
    by: Annotated[str | None, typer.Option("--by", help="実行者")] = None,
    event: Annotated[
        str | None,
        typer.Option("--event", help="commit / classify / change / override / generate / publish / revert / policy"),
    ] = None,
    limit: Annotated[int | None, typer.Option("--limit", help="最大件数")] = None,
    format: Annotated[AuditFormat, typer.Option("--format", "-f")] = AuditFormat.table,
    db: DbOption = None,
) -> None:
    """監査記録を検索する (時刻順)."""
    from hyoka.audit.query import AuditFilter
    from hyoka.audit.query import audit as run_audit
    from hyoka.audit.views import audit_csv, audit_json, audit_table

    flt = AuditFilter(report, item, since, until, _yes_no(important, "--important"), timing, category, rule, by,
                      event, limit)
    with _store(db) as store:
        rows = run_audit(store, flt)
    render = {AuditFormat.table: audit_table, AuditFormat.json: audit_json, AuditFormat.csv: audit_csv}[format]
    typer.echo(render(rows), nl=format is not AuditFormat.csv)


@app.command()
@user_errors
def due(
    as_of: Annotated[str | None, typer.Option("--as-of", help="基準日 (省略時: 今日)")] = None,
    all_reports: Annotated[bool, typer.Option("--all", help="期限が近くない評価書も表示する")] = False,
    format: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.text,
    policy: PolicyOption = None,
    db: DbOption = None,
) -> None:
    """1年ごとの見直しと5年以内の再評価の期限 (ポリシー [deadlines] で変更可)."""
    import datetime as dt

    from hyoka.audit.due import due_reports
    from hyoka.audit.views import due_json, due_text
    from hyoka.era import parse_date

    day = local_date(dt.datetime.now(dt.UTC)) if as_of is None else parse_date(as_of)  # today where the clerk is
    if day is None:
        raise InputError(f"日付が読めません / cannot read date: {as_of}")
    rules = _load_policy(policy)
    with _store(db) as store:
        rows = due_reports(store, day, rules.deadlines, only_due=not all_reports)
    typer.echo((due_json if format is OutputFormat.json else due_text)(rows, day.isoformat()))


@app.command()
@user_errors
def verify(
    anchor: Annotated[
        Path | None, typer.Option("--anchor", help="hyoka anchor の出力 (切り詰め・再計算も検出する)")
    ] = None,
    db: DbOption = None,
) -> None:
    """全ての版と監査記録のハッシュとつながりを検算する。壊れていれば最初の箇所を示して終了コード 1."""
    from hyoka.audit.verify import verify as run_verify

    with _store(db) as store:
        result = run_verify(store, progress=lambda line: typer.echo(line, err=True), anchor=anchor)
    if result.ok:
        typer.echo(f"正常です: 評価書 {result.reports} 件、版 {result.versions}、監査記録 {result.events} 件")
        return
    typer.echo(f"改ざんまたは破損: {result.problem}", err=True)
    raise typer.Exit(1)


@app.command()
@user_errors
def anchor(
    report_id: Annotated[str | None, typer.Argument(help="評価書ID (省略時: 全て)")] = None,
    format: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.text,
    db: DbOption = None,
) -> None:
    """最新版と最後の監査記録のハッシュを一行ずつ出力する (データベースの外に保管し verify --anchor で照合)."""
    from hyoka.audit.anchor import anchor_json, anchor_text, anchors

    with _store(db) as store:
        entries = anchors(store, report_id)
    typer.echo((anchor_json if format is OutputFormat.json else anchor_text)(entries))


@app.command()
@user_errors
def check(
    file: Annotated[Path, typer.Argument(help="評価書ファイル")],
    format: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.text,
) -> None:
    """ファイルの読み取り結果を様式と照合する (様式・版、一致しない項目、類似照合したラベル、置き場所のない行)."""
    from hyoka.check import check_file, check_text

    result = check_file(file)
    typer.echo(result.to_json() if format is OutputFormat.json else check_text(result))


@app.command()
@user_errors
def parse(
    file: Annotated[Path, typer.Argument(help="評価書ファイル")],
) -> None:
    """ファイルを読み込んで hyoka 形式で出力する (データベースは使わない)."""
    sys.stdout.write(dumps(read_report(file)))


@app.command()
@user_errors
def reports(
    format: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.text,
    policy: PolicyOption = None,
    db: DbOption = None,
) -> None:
    """データベースの評価書の一覧: 最新版、公表日 (公表の記録、なければ評価書の記載)、次の期限."""
    import datetime as dt
    import json

    from hyoka.audit.due import due_reports
    from hyoka.views import display_zone, table

    with _store(db) as store:
        today = dt.datetime.now(display_zone()).date()
        dues = {r.report: min(r.review_due, r.assessment_due)
                for r in due_reports(store, today, _load_policy(policy).deadlines)}
        published = store.printed_publications()
        rows = []
        for report_id in store.report_ids():
            head = store.version(report_id)
            day = published.get(report_id) or store.checkout(report_id, head.number).meta.published
            rows.append({"report": report_id, "head": head.number, "published": day,
                         "next_due": str(dues.get(report_id, ""))})
    if format is OutputFormat.json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif not rows:
        typer.echo("評価書はまだ記録されていません")
    else:
        cells = [(r["report"], str(r["head"]), r["published"] or "(未記載)", r["next_due"]) for r in rows]
        typer.echo(table(("評価書", "最新版", "公表日", "次の期限"), cells))


# calibrate and policy use register themselves on the app.
import hyoka.cli_policy  # noqa: E402,F401


def main() -> None:
    """The `hyoka` program (pyproject's script): the app, ended as :mod:`hyoka.cli_exit` says."""
    from hyoka.cli_exit import run

    run(app)


if __name__ == "__main__":
    main()
