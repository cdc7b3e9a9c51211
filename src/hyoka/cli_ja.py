"""The CLI's own words in Japanese: help pages, usage errors and type errors.

The installed Typer vendors Click (``typer._click``) without its gettext calls, and validates values
through pydantic, whose messages are English only; a gettext catalogue would not be consulted (and
``LANG=C`` would ignore it anyway). So the command and group classes are subclassed instead:

- help is written by ``format_usage`` / ``format_options`` / ``format_commands`` from the parameters
  themselves (names, type, default, envvar, required), in plain text (``rich_markup_mode=None``:
  no Rich markup, so ``[deadlines]`` stays literal and summaries are never cut); a boolean flag is
  shown as a flag, without ``<bool>``;
- Click's exceptions are mapped by type (MissingParameter, BadParameter with the pydantic error's
  ``type`` code and input, NoSuchOption, BadOptionUsage, …) to one Japanese line on stderr, exit 2,
  the same contract as ``hyoka.cli_base.fail``. English text is never parsed or rewritten.

Typer 0.29 converts every value through a pydantic TypeAdapter, and importing pydantic costs about
75 ms on every command (issue 13, fast start). No Typer setting turns that off, and the releases
before pydantic have no vendored Click, which this module builds on. So the command classes give
the parameter kinds hyoka uses — str, int without bounds, bool, Path, Enum choices — a plain converter
(``PlainConversion``) before Typer would build its adapter; anything else still goes to Typer's own.
Path checks (exists, readable, …) stay Typer's: the value is made a Path first, which Typer accepts
without pydantic.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from difflib import get_close_matches
from enum import Enum
from pathlib import Path
from typing import IO, Any

import typer
from typer._click import Context, HelpFormatter
from typer._click.exceptions import (
    BadArgumentUsage,
    BadOptionUsage,
    BadParameter,
    ClickException,
    FileError,
    MissingParameter,
    NoArgsIsHelpError,
    NoSuchOption,
    UsageError,
)
from typer._coercion import RuntimeParam, TypeDescriptor
from typer._param_types import coerce_cli_choice, coerce_cli_path
from typer.core import TyperCommand, TyperGroup, _TyperParameter

HELP_TEXT = "このヘルプを表示して終了する"
USAGE_PREFIX = "使い方: "


class JapaneseUsageError(UsageError):
    """A usage error already worded in Japanese: shown as one line, exit code 2."""

    exit_code = 2

    def show(self, file: IO[Any] | None = None) -> None:
        hint = ""
        if self.ctx is not None and self.ctx.help_option_names:
            hint = f" ({self.ctx.command_path} {self.ctx.help_option_names[0]} で使い方を表示)"
        typer.echo(f"エラー: {self.message}{hint}".replace("\n", " "), err=True)


# -- naming parameters --------------------------------------------------------------------------


def _is_option(param: Any) -> bool:
    return getattr(param, "param_type_name", "") == "option"


def _is_flag(param: Any) -> bool:
    return bool(getattr(param, "is_flag", False) or getattr(param, "count", False))


def _ordered_opts(opts: Sequence[str]) -> list[str]:
    """Short options first ("-r, --report"), as Click lists them."""
    return sorted(opts, key=lambda o: len(o) - len(o.lstrip("-")))


def _param_label(param: Any) -> str:
    """The long option ("--to"), or an argument's name as the usage line shows it ("FILE")."""
    if _is_option(param) and param.opts:
        return max(param.opts, key=len)
    return _argument_name(param)


def _argument_name(param: Any) -> str:
    return str(param.metavar or str(param.name).upper())


def _param_label_full(param: Any) -> str:
    """"--report (-r)" — the long option with its aliases — or an argument's name."""
    label = _param_label(param)
    if _is_option(param):
        others = [o for o in _ordered_opts([*param.opts, *param.secondary_opts]) if o != label]
        if others:
            label += f" ({', '.join(others)})"
    return label


# -- errors ---------------------------------------------------------------------------------------

# pydantic error type codes (stable identifiers, not messages) → what to give instead
_PYDANTIC_EXPECTED = {
    "int_parsing": "整数を指定してください",
    "int_type": "整数を指定してください",
    "int_from_float": "整数を指定してください",
    "float_parsing": "数値を指定してください",
    "float_type": "数値を指定してください",
    "bool_parsing": "true か false を指定してください",
    "bool_type": "true か false を指定してください",
    "path_type": "パスを指定してください",
    "string_type": "文字列を指定してください",
    "date_parsing": "日付を指定してください",
    "date_from_datetime_parsing": "日付を指定してください",
    "datetime_parsing": "日時を指定してください",
}


def _choices(param: Any) -> list[str]:
    desc = getattr(param, "type_descriptor", None)
    if desc is None or not getattr(desc, "is_choice", False):
        return []
    return [str(c.value) if isinstance(c, Enum) else str(c) for c in desc.choices or ()]


def _bad_value(exc: BadParameter) -> str:
    """「--to の値が不正です: 整数を指定してください (abc)」 from the parameter and the pydantic error."""
    param = exc.param
    subject = f"{_param_label(param)} の値が不正です" if param is not None else "値が不正です"
    expected, given = "", None
    cause = exc.__cause__
    errors = getattr(cause, "errors", None)
    if callable(errors):
        details = errors()
        if details:
            expected = _PYDANTIC_EXPECTED.get(str(details[0].get("type")), "")
            given = details[0].get("input")
    choices = _choices(param)
    if choices:
        expected = f"次のいずれかを指定してください: {', '.join(choices)}"
    if not expected:
        expected = "指定された値を読めません"
    return f"{subject}: {expected}" + (f" ({given})" if given is not None else "")


def japanese_message(exc: ClickException, ctx: Context | None = None) -> str:
    """One Japanese line for a Click exception, chosen by its type and attributes."""
    ctx = getattr(exc, "ctx", None) or ctx
    if isinstance(exc, MissingParameter):
        param = exc.param
        if param is None:
            return "必須の引数またはオプションがありません"
        kind = "オプション" if _is_option(param) else "引数"
        message = f"{kind} {_param_label_full(param)} を指定してください"
        choices = _choices(param)
        return message + (f" (次のいずれか: {', '.join(choices)})" if choices else "")
    if isinstance(exc, BadParameter):
        return _bad_value(exc)
    if isinstance(exc, NoSuchOption):
        message = f"不明なオプション: {exc.option_name}"
        return message + (f" (候補: {', '.join(sorted(exc.possibilities))})" if exc.possibilities else "")
    if isinstance(exc, BadOptionUsage):
        param = _find_option(ctx, exc.option_name)
        if param is not None and _is_flag(param):
            return f"オプション {exc.option_name} は値を取りません"
        return f"オプション {exc.option_name} には値が必要です"
    if isinstance(exc, BadArgumentUsage):
        return "引数の数が正しくありません"
    if isinstance(exc, FileError):
        return f"ファイルを開けません: {exc.ui_filename}"
    if isinstance(exc, UsageError):
        if ctx is not None and isinstance(ctx.command, TyperGroup) and not ctx.invoked_subcommand:
            return "コマンドを指定してください"
        return "使い方が正しくありません"
    return "コマンドを実行できません"


def _find_option(ctx: Context | None, name: str) -> Any:
    if ctx is None:
        return None
    for param in ctx.command.get_params(ctx):
        if name in getattr(param, "opts", ()) or name in getattr(param, "secondary_opts", ()):
            return param
    return None


def _translated(exc: ClickException, ctx: Context | None) -> ClickException:
    if isinstance(exc, JapaneseUsageError | NoArgsIsHelpError):
        return exc  # already Japanese / prints the (Japanese) help page
    error = JapaneseUsageError(japanese_message(exc, ctx), getattr(exc, "ctx", None) or ctx)
    error.__cause__ = exc
    return error


def _parse_japanese(parse: Callable[[Context, list[str]], list[str]], ctx: Context, args: list[str]) -> list[str]:
    """Run Click's parse_args; extra arguments and every parse or type error become Japanese."""
    allow_extra = ctx.allow_extra_args
    ctx.allow_extra_args = True  # so that leftovers come back to be named here, not in English
    try:
        rest = parse(ctx, args)
    except ClickException as exc:
        raise _translated(exc, ctx) from exc.__cause__
    finally:
        ctx.allow_extra_args = allow_extra
    if rest and not allow_extra and not ctx.resilient_parsing:
        raise JapaneseUsageError(f"余分な引数があります: {' '.join(rest)}", ctx)
    return rest


def display_width(text: str) -> int:
    """Columns a terminal gives the text: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width` columns; Japanese may break anywhere, ASCII words at spaces."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line, used = "", 0
        for word in re.findall(r"[!-~]+| +|.", paragraph):  # ASCII words stay whole, others one by one
            for piece in ([word] if display_width(word) <= width else list(word)):
                w = display_width(piece)
                if used + w > width and line.strip():
                    lines.append(line.rstrip())
                    piece = piece.lstrip()
                    line, used = "", 0
                    w = display_width(piece)
                line += piece
                used += w
        lines.append(line.rstrip())
    return lines


def write_dl(formatter: HelpFormatter, rows: Sequence[tuple[str, str]], col_max: int = 30,
             col_spacing: int = 2) -> None:
    """click's HelpFormatter.write_dl measured in display columns, so Japanese terms line up."""
    first_col = min(max(display_width(first) for first, _ in rows), col_max) + col_spacing
    indent = " " * formatter.current_indent
    text_width = max((formatter.width or 80) - first_col - formatter.current_indent, 20)
    for first, second in rows:
        formatter.write(f"{indent}{first}")
        if not second:
            formatter.write("\n")
            continue
        if display_width(first) <= first_col - col_spacing:
            formatter.write(" " * (first_col - display_width(first)))
        else:
            formatter.write("\n" + indent + " " * first_col)
        lines = _wrap(second, text_width)
        formatter.write(lines[0] + "\n")
        for line in lines[1:]:
            formatter.write(f"{indent}{' ' * first_col}{line}\n")


# -- plain value conversion (no pydantic) ---------------------------------------------------------


class ValueProblem(ValueError):
    """A value the plain converter refused, described as pydantic describes its errors (type code, input).

    ``_bad_value`` reads ``errors()`` of the exception's cause, so both converters give the same line.
    """

    def __init__(self, code: str, given: Any) -> None:
        super().__init__(f"{code}: {given!r}")
        self.code, self.given = code, given

    def errors(self) -> list[dict[str, Any]]:
        return [{"type": self.code, "input": self.given}]


# The words pydantic reads as booleans (an empty value from an environment variable is False, as in Typer).
_TRUE = frozenset({"true", "1", "yes", "on", "t", "y"})
_FALSE = frozenset({"false", "0", "no", "off", "f", "n", ""})


@dataclass(frozen=True)
class PlainConversion(RuntimeParam):
    """str / int / bool / Path / Enum values converted without pydantic (see the module docstring)."""

    kind: str = "str"

    def _coerce_value(self, value: Any, param: _TyperParameter, ctx: Context) -> Any:
        try:
            return self._convert(value, param, ctx)
        except ValueProblem as problem:
            raise BadParameter(str(problem), ctx=ctx, param=param) from problem
        except ValueError as exc:  # a choice not among the Enum's values
            raise BadParameter(str(exc), ctx=ctx, param=param) from ValueProblem("choice", value)

    def _convert(self, value: Any, param: _TyperParameter, ctx: Context) -> Any:
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        if self.kind == "choice":
            assert isinstance(self.annotation, type)
            return coerce_cli_choice(value, choices=tuple(self.annotation),  # type: ignore[arg-type]
                                     case_sensitive=self.parameter_info.case_sensitive, ctx=ctx)
        if self.kind == "path":
            path = value if isinstance(value, Path) else Path(str(value))
            return coerce_cli_path(path, self.parameter_info, path_type=Path, param=param, ctx=ctx)
        if self.kind == "bool":
            if isinstance(value, bool):
                return value
            word = str(value).strip().lower()
            if word in _TRUE or word in _FALSE:
                return word in _TRUE
            raise ValueProblem("bool_parsing", value)
        if self.kind == "int":
            if isinstance(value, int) and not isinstance(value, bool):
                return value
            try:
                return int(str(value).strip())
            except ValueError:
                raise ValueProblem("int_parsing", value) from None
        if not isinstance(value, str):
            raise ValueProblem("string_type", value)
        return value


def plain_conversion(descriptor: TypeDescriptor) -> PlainConversion | None:
    """The plain converter for a parameter, or None where Typer's own (pydantic) is needed."""
    info, annotation = descriptor.parameter_info, descriptor.annotation
    if info.parser is not None or descriptor.file_annotation is not None:
        return None
    kind = None
    if annotation is str:
        kind = "str"
    elif annotation is bool:
        kind = "bool"
    elif annotation is int and info.min is None and info.max is None and not info.clamp:
        kind = "int"
    elif annotation is Path and info.path_type is None:
        kind = "path"
    elif isinstance(annotation, type) and issubclass(annotation, Enum):
        kind = "choice"
    if kind is None:
        return None
    return PlainConversion(parameter_info=info, annotation=annotation, kind=kind)


def _install_plain_conversion(params: Sequence[Any]) -> None:
    """Give each Typer parameter its plain converter before Typer builds (lazily) a pydantic one."""
    for param in params:
        if isinstance(param, _TyperParameter) and getattr(param, "_runtime_param", None) is None:
            plain = plain_conversion(param.type_descriptor)
            if plain is not None:
                param._runtime_param = plain


# -- help -----------------------------------------------------------------------------------------


# Typer names a value's type in English (``<str>``); a clerk reads what to write instead.
TYPE_LABELS = {"str": "文字列", "int": "整数", "float": "数値", "path": "パス", "file": "ファイル",
               "directory": "フォルダ", "datetime": "日時", "bool": "はい/いいえ"}
OPTIONS_METAVAR = "[オプション]"
SUBCOMMAND_METAVAR = "コマンド [引数]..."


def _type_label(param: Any, ctx: Context) -> str:
    if param.metavar is not None:
        return str(param.metavar)
    display = getattr(param, "display_type", None)
    label = str(display(ctx)) if callable(display) else ""
    inner = label[1:-1] if label.startswith("<") and label.endswith(">") else None
    return f"<{TYPE_LABELS[inner]}>" if inner in TYPE_LABELS else label


def _help_record(param: Any, ctx: Context) -> tuple[str, str] | None:
    if getattr(param, "hidden", False):
        return None
    if _is_option(param):
        names = ", ".join(_ordered_opts(param.opts))
        if param.secondary_opts:
            names += " / " + ", ".join(_ordered_opts(param.secondary_opts))
        if not _is_flag(param):
            names += f" {_type_label(param, ctx)}"
    else:
        names = _argument_name(param)
    extra = []
    if param.envvar and getattr(param, "show_envvar", True):
        envvar = param.envvar if isinstance(param.envvar, str) else ", ".join(param.envvar)
        extra.append(f"環境変数: {envvar}")
    default = param.default
    if isinstance(default, Enum):
        default = default.value
    if (param.show_default or ctx.show_default) and not param.required and default not in (None, "", False, ()) \
            and not callable(default):
        extra.append(f"既定: {param.show_default if isinstance(param.show_default, str) else default}")
    if param.required:
        extra.append("必須")
    text = param.help or ""
    if extra:
        text = f"{text}  [{'; '.join(extra)}]" if text else f"[{'; '.join(extra)}]"
    return names, text


def _usage_pieces(command: Any, ctx: Context) -> list[str]:
    pieces = [OPTIONS_METAVAR] if command.options_metavar else []
    for param in command.get_params(ctx):
        if _is_option(param):
            continue
        name = _argument_name(param)
        pieces.append(name if param.required else f"[{name}]")
        if param.nargs != 1:
            pieces[-1] += "..."
    return pieces


class _JapaneseHelp:
    """Help pages and parse errors in Japanese; mixed into Typer's command and group classes."""

    def get_help_option(self, ctx: Context) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_TEXT
            _install_plain_conversion([option])
        return option

    def format_usage(self, ctx: Context, formatter: HelpFormatter) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix=USAGE_PREFIX)

    def collect_usage_pieces(self, ctx: Context) -> list[str]:
        return _usage_pieces(self, ctx)

    def format_help(self, ctx: Context, formatter: HelpFormatter) -> None:
        # Plain text whatever the markup mode: Rich would read "[deadlines]" as markup.
        self.format_usage(ctx, formatter)
        self.format_help_text(ctx, formatter)  # type: ignore[attr-defined]
        self.format_options(ctx, formatter)
        self.format_epilog(ctx, formatter)  # type: ignore[attr-defined]

    def format_options(self, ctx: Context, formatter: HelpFormatter) -> None:
        arguments, options = [], []
        for param in self.get_params(ctx):  # type: ignore[attr-defined]
            record = _help_record(param, ctx)
            if record is not None:
                (options if _is_option(param) else arguments).append(record)
        if arguments:
            with formatter.section("引数"):
                write_dl(formatter, arguments)
        if options:
            with formatter.section("オプション"):
                write_dl(formatter, options)

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        return _parse_japanese(super().parse_args, ctx, args)  # type: ignore[misc]


class JapaneseCommand(_JapaneseHelp, TyperCommand):
    """A Typer command whose help and usage errors are Japanese, its values converted without pydantic."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["rich_markup_mode"] = None
        super().__init__(*args, **kwargs)
        _install_plain_conversion(self.params)


class LazyCommands(dict[str, Any]):
    """The group's name → command table, each command built by Typer when first asked for.

    Typer builds every command (signature, annotations, parameters) before running one, about
    1.5 ms each; a run needs one command, `--help` all of them. Names are known at once, so
    listing, suggesting and `in` work without building anything.
    """

    def __init__(self, names: Sequence[str], build: Callable[[str], Any]) -> None:
        super().__init__(dict.fromkeys(names))
        self._build = build

    def __getitem__(self, name: str) -> Any:
        command = super().__getitem__(name)
        if command is None:
            command = self._build(name)
            super().__setitem__(name, command)
        return command

    def get(self, name: str, default: Any = None) -> Any:  # type: ignore[override]
        return self[name] if name in self else default  # noqa: SIM401 (dict.get would not build)

    def values(self) -> list[Any]:  # type: ignore[override]
        return [self[name] for name in self]

    def items(self) -> list[tuple[str, Any]]:  # type: ignore[override]
        return [(name, self[name]) for name in self]


class JapaneseGroup(_JapaneseHelp, TyperGroup):
    """The `hyoka` group: Japanese help, commands listed with their whole summary line, each
    command built when it is used (:class:`LazyCommands`, when run through JapaneseTyper)."""

    typer_app: JapaneseTyper | None = None  # set on the per-app subclass JapaneseTyper makes

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["rich_markup_mode"] = None
        super().__init__(*args, **kwargs)
        _install_plain_conversion(self.params)
        lazy = self.typer_app.building_lazily() if self.typer_app is not None else None
        if lazy is not None:
            groups = dict(self.commands)  # sub-groups Typer built already (hyoka policy …), after the commands
            self.commands = LazyCommands(*lazy)
            for name, group in groups.items():
                dict.__setitem__(self.commands, name, group)

    def list_commands(self, ctx: Context) -> list[str]:
        return list(self.commands)  # in the order of creation, without building them

    def collect_usage_pieces(self, ctx: Context) -> list[str]:
        return [*_usage_pieces(self, ctx), SUBCOMMAND_METAVAR]

    def format_options(self, ctx: Context, formatter: HelpFormatter) -> None:
        super().format_options(ctx, formatter)
        self.format_commands(ctx, formatter)

    def format_commands(self, ctx: Context, formatter: HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is None or command.hidden:
                continue
            summary = (command.short_help or command.help or "").strip().split("\n\n")[0]
            rows.append((name, " ".join(summary.split())))
        if rows:
            with formatter.section("コマンド"):
                write_dl(formatter, rows)

    def resolve_command(self, ctx: Context, args: list[str]) -> tuple[str | None, Any, list[str]]:
        name = args[0]
        if self.get_command(ctx, name) is None and not name.startswith("-") and not ctx.resilient_parsing:
            matches = get_close_matches(name, list(self.commands))
            hint = f" (候補: {', '.join(matches)})" if matches else ""
            raise JapaneseUsageError(f"不明なコマンド: {name}{hint}", ctx)
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: Context) -> Any:
        try:
            return super().invoke(ctx)
        except ClickException as exc:  # anything not met while parsing, e.g. "Missing command."
            translated = _translated(exc, ctx)
            if translated is exc:
                raise
            raise translated from exc.__cause__


class JapaneseTyper(typer.Typer):
    """typer.Typer whose commands are JapaneseCommand and whose group is JapaneseGroup.

    Run as a program (``app()``), the group gets its commands lazily: Typer builds the group
    with no commands and :class:`LazyCommands` builds each one from its registration when used.
    ``typer.main.get_command(app)`` (tests, CliRunner) still builds them all at once.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("cls", type("HyokaGroup", (JapaneseGroup,), {"typer_app": self}))
        kwargs["rich_markup_mode"] = None
        super().__init__(**kwargs)
        self._lazy: tuple[list[str], Callable[[str], Any]] | None = None

    def command(self, name: str | None = None, *, cls: type[TyperCommand] | None = None,
                **kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return super().command(name, cls=cls or JapaneseCommand, **kwargs)

    def building_lazily(self) -> tuple[list[str], Callable[[str], Any]] | None:
        """(command names, builder of a command by name) while ``__call__`` builds the group."""
        return self._lazy

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from typer.main import get_command_from_info, get_command_name

        infos = {info.name or get_command_name(info.callback.__name__): info  # type: ignore[union-attr]
                 for info in self.registered_commands}

        def build(name: str) -> Any:
            return get_command_from_info(infos[name], pretty_exceptions_short=self.pretty_exceptions_short,
                                         rich_markup_mode=None)

        registered, self.registered_commands = self.registered_commands, []
        self._lazy = (list(infos), build)
        try:
            return super().__call__(*args, **kwargs)
        finally:
            self.registered_commands, self._lazy = registered, None

