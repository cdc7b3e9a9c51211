"""`hyoka calibrate` and `hyoka policy use`: learning a body's practice and adopting a policy
(issue 14). Registered on the app when hyoka.cli is imported."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from hyoka.cli_base import ByOption, DbOption, OutOption, _require_by, _store, app, new_app, user_errors
from hyoka.errors import InputError


@app.command()
@user_errors
def calibrate(
    report_id: Annotated[
        str | None, typer.Argument(help="評価書ID (記録済みの変更箇所と各版の判断から学習する)")
    ] = None,
    rows: Annotated[
        Path | None,
        typer.Option("--rows", help='団体の判断付きの行 (JSONL: {"form","item","before","after","timing","reason"}); '
                                    "- で標準入力"),
    ] = None,
    output: OutOption = None,
    db: DbOption = None,
) -> None:
    """団体の過去の変更箇所から提出時期の運用を学習し、根拠付きのポリシー (TOML) を提案する."""
    from hyoka.classify.calibrate_io import calibrate_rows, calibration_summary, calibration_toml

    if (report_id is None) == (rows is None):
        raise InputError("評価書ID か --rows のどちらか一つを指定してください / give a report ID or --rows")
    if rows is not None:
        calibration = calibrate_rows(rows, sys.stdin if str(rows) == "-" else None)
        source = str(rows)
    else:
        from hyoka.classify.calibrate_store import calibrate_report

        with _store(db) as store:
            calibration = calibrate_report(store, str(report_id))
        source = str(report_id)
    text = calibration_toml(calibration, source)
    if output is None:
        sys.stdout.write(text)
        typer.echo(calibration_summary(calibration), err=True)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{output}: 書き込めません / cannot write ({exc.strerror})") from None
    typer.echo(calibration_summary(calibration))
    typer.echo(f"ポリシーを書き出しました: {output}")


policy_app = new_app("評価書の分類ポリシー: 採用 (policy use) は評価書とともに保存され、監査記録に残る.")


app.add_typer(policy_app, name="policy")


@policy_app.command("use")
@user_errors
def policy_use(
    report_id: Annotated[str, typer.Argument(help="評価書ID")],
    file: Annotated[Path, typer.Argument(help="採用するポリシー (TOML)")],
    by: ByOption = "",
    db: DbOption = None,
) -> None:
    """ポリシーを評価書に採用する (内容のハッシュで保存し監査記録に残す。以後の commit はこれで分類する)."""
    from hyoka.classify.adopt import use_policy

    _require_by(by, "--by")
    with _store(db) as store:
        adopted = use_policy(store, report_id, file, by)
    typer.echo(f"{report_id} のポリシーを {adopted.source} にしました  sha256 {adopted.hash[:12]}  "
               "(以後の commit はこのポリシーで分類します。--policy で1回だけ上書きできます)")
