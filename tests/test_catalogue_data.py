"""The form catalogues as data files: their structure, and section III (and IV of 様式4) label by
label against what the seeds print.

The catalogues are read with tomllib, not through hyoka.forms, so that these checks hold whatever
the loader does with the entries. A reader opens an item only when a printed label matches a
catalogue entry allowed at that point, so a label the form prints but the catalogue lacks is text
lost into the previous item: the seed checks below walk each seed's risk sections with a heuristic
of their own and require every label cell to name an entry under the heading (and risk) it is
printed under.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from hyoka.forms import load_catalogue

REPO = Path(__file__).resolve().parents[1]
FORMS = REPO / "src" / "hyoka" / "forms"
SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"

CATALOGUES = {"yoshiki2.toml": "基礎", "yoshiki3.toml": "重点", "yoshiki4.toml": "全項目"}
ENTRY_KEYS = {"path", "title", "star", "aliases", "since", "until"}
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
EDITION_RE = re.compile(r"^(平成|令和)(元|\d{1,2})年(\d{1,2})月$")
INSTANCE_RE = re.compile(r"^(システム|委託事項|提供先|移転先)(\d+|N)$")
RISK_SEGMENT_RE = re.compile(r"^リスク\d*$")
CLOSING = "その他のリスク及びそのリスクに対する措置"
SERIOUS = "過去3年以内に、評価実施機関において、個人情報に関する重大事故が発生したか"


def _load(name: str) -> dict[str, Any]:
    return tomllib.loads((FORMS / name).read_text("utf-8"))


def _segments(path: str) -> tuple[str, ...]:
    return tuple(path.split("/"))


def _edition_key(edition: str) -> tuple[int, int]:
    m = EDITION_RE.match(edition)
    assert m, edition
    year = 1 if m.group(2) == "元" else int(m.group(2))
    return (2018 if m.group(1) == "令和" else 1988) + year, int(m.group(3))


# -- (a) structure ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CATALOGUES))
def test_catalogue_file_structure(name: str) -> None:
    data = _load(name)
    assert data["form"] == CATALOGUES[name]
    assert isinstance(data["name"], str) and data["name"].startswith("様式")
    editions = data["editions"]
    assert editions and all(isinstance(e, str) and EDITION_RE.match(e) for e in editions)
    assert len(set(editions)) == len(editions)
    assert sorted(editions, key=_edition_key) == editions, "editions are listed oldest first"

    items = data["items"]
    seen: list[tuple[str, ...]] = []
    for raw in items:
        assert isinstance(raw, dict) and set(raw) <= ENTRY_KEYS, raw
        path = raw["path"]
        assert isinstance(path, str) and path, raw
        segments = _segments(path)
        for seg in segments:
            assert seg and seg == seg.strip() and not re.search(r"[\s※]", seg), f"segment {seg!r} in {path}"
            instance = INSTANCE_RE.match(seg)
            assert instance is None or instance.group(2) == "N", f"instances are generic (…N): {path}"
        assert "star" not in raw or isinstance(raw["star"], bool), path
        assert isinstance(raw.get("title", ""), str), path
        aliases = raw.get("aliases", [])
        assert isinstance(aliases, list) and all(isinstance(a, str) and a for a in aliases), path
        for bound in ("since", "until"):
            if bound in raw:
                assert raw[bound] in editions, f"{path}: {bound} {raw[bound]!r} is not one of the editions"
        if "since" in raw and "until" in raw:
            assert _edition_key(raw["since"]) <= _edition_key(raw["until"]), path
        assert segments not in seen, f"duplicate path {path}"
        assert len(segments) == 1 or segments[:-1] in seen, f"{path}: parent missing or listed after it"
        seen.append(segments)


@pytest.mark.parametrize("name", sorted(CATALOGUES))
def test_siblings_are_in_print_order(name: str) -> None:
    """Circled items and numbered headings among siblings count up, as the form prints them."""
    children: dict[tuple[str, ...], list[str]] = {}
    for raw in _load(name)["items"]:
        segments = _segments(raw["path"])
        children.setdefault(segments[:-1], []).append(segments[-1])
    for parent, segs in children.items():
        circled = [CIRCLED.index(s[0]) for s in segs if s[0] in CIRCLED]
        assert circled == sorted(set(circled)), f"circled items under {'/'.join(parent)} out of order: {segs}"
        numbered = [int(s) for s in segs if s.isdigit()]
        assert numbered == list(range(1, len(numbered) + 1)), f"headings under {'/'.join(parent)}: {segs}"
        risks = [int(s[3:]) for s in segs if re.fullmatch(r"リスク\d+", s)]
        assert risks == list(range(1, len(risks) + 1)), f"risks under {'/'.join(parent)}: {segs}"


@pytest.mark.parametrize(("name", "headings"), [("yoshiki3.toml", range(2, 8)), ("yoshiki4.toml", range(2, 8))])
def test_risk_headings_have_risks_and_a_closing_item(name: str, headings: range) -> None:
    """III 2.〜7.: each risk has its printed name and 「リスクへの対策は十分か」; the heading ends with
    its 「…におけるその他のリスク及びそのリスクに対する措置」, whose full label starts with the title."""
    items = _load(name)["items"]
    by_path = {raw["path"]: raw for raw in items}
    for number in headings:
        heading = f"III/{number}"
        kids = [raw for raw in items if raw["path"].rsplit("/", 1)[0] == heading]
        risks = [raw for raw in kids if RISK_SEGMENT_RE.match(raw["path"].rsplit("/", 1)[1])]
        assert risks, heading
        for risk in risks:
            assert risk.get("title", "").endswith("リスク"), risk
            assert f"{risk['path']}/リスクへの対策は十分か" in by_path, risk["path"]
        closing = kids[-1]
        assert closing["path"] == f"{heading}/{CLOSING}", f"{heading} must end with its closing item"
        title = by_path[heading]["title"]
        loaded = load_catalogue(CATALOGUES[name]).by_path[tuple(closing["path"].split("/"))]
        assert loaded.aliases and all(a.startswith(title) and a.endswith(CLOSING) for a in loaded.aliases)


@pytest.mark.parametrize(
    ("name", "exceptions"),
    [
        ("yoshiki3.toml", {"II/2/③対象となる本人の範囲/その必要性", f"III/7/リスク/②{SERIOUS}"}),
        ("yoshiki4.toml", {"II/2/③対象となる本人の範囲/その必要性", f"III/7/リスク1/⑨{SERIOUS}"}),
    ],
)
def test_star_exceptions_stay_where_the_form_prints_them(name: str, exceptions: set[str]) -> None:
    """「III リスク対策 ※(7. ②を除く。)」 and 「※(7. リスク1⑨を除く。)」: the only star=false entries."""
    items = _load(name)["items"]
    assert {raw["path"] for raw in items if raw.get("star") is False} == exceptions
    assert next(raw for raw in items if raw["path"] == "III")["star"] is True


def test_every_catalogue_has_the_cover_items() -> None:
    for name in CATALOGUES:
        paths = [raw["path"] for raw in _load(name)["items"]]
        assert paths[:3] == ["表紙", "表紙/宣言", "表紙/特記事項"], name


def test_kiso_catalogue_marks_what_is_unverified() -> None:
    """様式2 was written without a real report's full text: every entry not confirmed by DOMAIN.md,
    the published 記載要領 or the first pages of published 基礎項目評価書 carries a `# unverified`
    comment, and no entry claims a ※."""
    text = (FORMS / "yoshiki2.toml").read_text("utf-8")
    entry_lines = [line for line in text.splitlines() if line.strip().startswith("{ path =")]
    verified = {"表紙", "表紙/宣言", "表紙/特記事項", "I", "I/1", "I/1/①事務の名称", "I/1/②事務の概要",
                "I/1/③システムの名称", "I/2", "I/3", "I/3/法令上の根拠", "I/6", "II", "II/1", "II/2", "II/3", "III"}
    for line in entry_lines:
        path = re.search(r'path = "([^"]+)"', line)
        assert path is not None
        assert ("# unverified" in line) != (path.group(1) in verified), line
    assert all("star" not in raw for raw in _load("yoshiki2.toml")["items"])


# -- (b) section III (and IV of 様式4) of the seeds, label by label -----------------------------------------


def norm(text: str) -> str:
    """A printed cell as a comparison key: markup dropped, NFKC (circled numbers kept), no spaces, no ※."""
    text = re.sub(r"<[^>]*>", "", text)
    parts = re.split(f"([{CIRCLED}])", text)
    text = "".join(p if i % 2 else unicodedata.normalize("NFKC", p) for i, p in enumerate(parts))
    return re.sub(r"[\s※]", "", text)


@dataclass
class Section:
    """One catalogue subtree a seed's section is checked against."""

    root: str
    start: re.Pattern[str]
    end: re.Pattern[str]


@dataclass
class Catalogue:
    items: list[dict[str, Any]]
    by_path: dict[str, dict[str, Any]] = field(init=False)
    order: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        self.by_path = {raw["path"]: raw for raw in self.items}
        self.order = {raw["path"]: index for index, raw in enumerate(self.items)}

    def children(self, path: str) -> list[dict[str, Any]]:
        return [raw for raw in self.items if raw["path"].rsplit("/", 1)[0] == path and raw["path"] != path]

    def below(self, path: str) -> list[dict[str, Any]]:
        return [raw for raw in self.items if raw["path"].startswith(path + "/")]

    @staticmethod
    def names(raw: dict[str, Any]) -> set[str]:
        """The keys an entry may be printed as: label (its segment), aliases, a risk's name."""
        segment = raw["path"].rsplit("/", 1)[1]
        found = {norm(a) for a in raw.get("aliases", [])}
        if RISK_SEGMENT_RE.match(segment):
            found.add(norm(raw["title"]))
        elif not segment.isdigit():
            found.add(norm(segment))
        return found


SEED_SECTIONS = {
    "重点": [Section("III", re.compile(r"^IIIリスク対策※"), re.compile(r"^IV開示請求"))],
    "全項目": [
        Section("III", re.compile(r"^III特定個人情報ファイルの取扱いプロセスにおけるリスク対策※"),
                re.compile(r"^IVその他のリスク対策")),
        Section("IV", re.compile(r"^IVその他のリスク対策※"), re.compile(r"^V開示請求")),
    ],
}

# Lines whose first cell is a value or prose, not a label: list items and bullets, headed blocks
# (<…における措置>, 【…】, (…)), checkbox and choice cells, option lists "1) …", table rules.
_NOT_A_LABEL_RE = re.compile(r"^([-・()\[\]<>〈〉【】○〇◎●\\_Γ]|\d+\)|選択肢)")
_HEADING_RE = re.compile(r"^(\d{1,2})\.(.*)$")
_RISK_RE = re.compile(r"^リスク(\d*):(.+)$")

# Seed 001 is OCR'd: cells are split at random points ("リスク3: 従業者が事務外で\t使用するリスク")
# and whole headings are lost, so there the walk does not follow the print order: a label only has
# to name some entry of the section, a fragment of at least this many characters is accepted when
# it starts a name (or a name starts it, the value run on), and shorter first cells are taken for
# the split-off heads of labels ("ユーサ", "特定值", "その作") and skipped.
OCR_MIN_FRAGMENT = 6

# Printed labels that are not in the form's words, each mapped to the label it stands for (None:
# not a label at all). Kept out of the catalogue's aliases on purpose: they are misprints and OCR
# errors, which the reader's fuzzy matching absorbs, not wordings of the form.
SEED_MISPRINTS: dict[str, dict[str, str | None]] = {
    "002_d96ab8c3580b4465.txt": {
        # The body dropped the その of the closing label of 4. (「委託における他のリスク」).
        "特定個人情報ファイルの取扱いの委託における他のリスク及びそのリスクに対する措置":
            "特定個人情報ファイルの取扱いの委託におけるその他のリスク及びそのリスクに対する措置",
    },
    "004_cbd4026a17bd0163.txt": {
        # 「事務に必要なない」 (sic) for 「事務に必要のない」, in all three files.
        "リスク1:目的を超えた紐付け、事務に必要なない情報との紐付けが行われるリスク":
            "リスク1:目的を超えた紐付け、事務に必要のない情報との紐付けが行われるリスク",
        # The first file drops the が of 「特定個人情報が古い情報のまま…」.
        "リスク2:特定個人情報古い情報のまま保管され続けるリスク":
            "リスク2:特定個人情報が古い情報のまま保管され続けるリスク",
    },
    "001_cc86eefa057d2f96.txt": {
        # OCR misread characters inside labels (個 → 値, 覧者・ → nothing, 委託 → 委詞 …).
        "リスク4:入手の際に特定値": "リスク4:入手の際に特定個",
        "6.情報提供ネットリーグン": "6.情報提供ネットワークシステムとの接続",
        "固人情報ファイルの閲更新者の制限": "特定個人情報ファイルの閲覧者・更新者の制限",
        "契約書中の特定個人情イルの取扱いに関する": "委託契約書中の特定個人情報ファイルの取扱いに関する規定",
        "モ先による特定個人情イルの適切な取扱いの": "再委託先による特定個人情報ファイルの適切な取扱いの確保",
        "個人情報の提供・移転「るルール": "特定個人情報の提供・移転に関するルール",
        # The second line of a value (III 6. リスク1) whose first cell is empty.
        "情報へのアクセス制御を行う機能": None,
    },
}


@dataclass
class Walk:
    """What the walk over one seed found: labels checked, labels not placed, entries seen."""

    checked: int = 0
    unplaced: list[str] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    headings: set[str] = field(default_factory=set)


def _folded_line(line: str) -> str:
    """A whole line for spotting section headings: NFKC (Ⅲ → III), no spaces, ※ kept."""
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", re.sub(r"^\s*#+\s*", "", line)))


def _first_cell(line: str) -> str:
    """The first non-empty cell of a tab row (markdown header marks and markup dropped)."""
    for cell in line.split("\t"):
        text = norm(re.sub(r"^\s*#+\s*", "", cell))
        if text:
            return text
    return ""


def _section_lines(lines: list[str], section: Section) -> Iterator[tuple[int, str]]:
    """(line number, first cell) of the lines inside the section; the section's own heading is
    yielded as "" so that a repeated section (one per 特定個人情報ファイル) restarts the walk."""
    inside = False
    for number, line in enumerate(lines, 1):
        whole = _folded_line(line)
        if section.start.match(whole):
            inside = True
            yield number, ""
            continue
        if inside and section.end.match(whole):
            inside = False
        if inside:
            cell = _first_cell(line)
            if cell:
                yield number, cell


def _matches(label: str, names: set[str], ocr: bool) -> bool:
    if label in names:
        return True
    if not ocr or len(label) < OCR_MIN_FRAGMENT:
        return False
    return any(name.startswith(label) or label.startswith(name) for name in names)


def _split_risks(label: str, names: set[str]) -> bool:
    """Whether the label is one or several risk names printed in one cell (the 委託 block of 様式4)."""
    if not label:
        return True
    return any(label.startswith(name) and _split_risks(label[len(name) :], names) for name in names)


def _is_risk(raw: dict[str, Any]) -> bool:
    return bool(RISK_SEGMENT_RE.match(raw["path"].rsplit("/", 1)[1]))


def _catalogue(form: str) -> Catalogue:
    """The file's entries with the aliases the loader gives them (closing items' full labels are
    derived from their heading's title)."""
    loaded = load_catalogue(form).by_path
    items = _load({"重点": "yoshiki3.toml", "全項目": "yoshiki4.toml"}[form])["items"]
    return Catalogue([{**raw, "aliases": list(loaded[tuple(raw["path"].split("/"))].aliases)} for raw in items])


def _labels(cell: str) -> list[str]:
    """The labels of one first cell: 001 prints a heading and its first risk in one cell."""
    split = re.search(r"(?<=.)リスク\d*:", cell)
    if _HEADING_RE.match(cell) and split:  # "3.特定個人情報の使用リスク1:目的を超えた紐付"
        return [cell[: split.start()], cell[split.start() :]]
    return [cell]


def walk_seed(name: str, form: str) -> Walk:
    """Walk the seed's risk sections and place every label cell: in the clean seeds under the
    heading, risk and question it is printed under; in the OCR'd one anywhere in the section."""
    catalogue = _catalogue(form)
    lines = (SEEDS / name).read_text("utf-8", errors="replace").splitlines()
    ocr = name.startswith("001_")
    misprints = SEED_MISPRINTS.get(name, {})
    result = Walk()
    for section in SEED_SECTIONS[form]:
        everything = catalogue.below(section.root)
        heading: str | None = None
        risk: str | None = None
        question: str | None = None
        body = True  # before the first numbered heading, and where the form prints free text only
        last = -1  # catalogue position of the last entry placed: the seed must print them in that order

        def in_order(path: str, number: int, printed: str) -> None:
            nonlocal last
            if not ocr and catalogue.order[path] < last:
                result.unplaced.append(f"{number}: {printed} (printed after an entry the catalogue lists later)")
            last = max(last, catalogue.order[path])

        for number, cell in _section_lines(lines, section):
            if not cell:
                heading, risk, question, body, last = None, None, None, True, -1
                continue
            for printed in _labels(cell):
                label = misprints.get(printed, printed)
                if label is None:
                    continue
                heading_match = _HEADING_RE.match(label)
                if heading_match:
                    heading = f"{section.root}/{heading_match.group(1)}"
                    risk = question = None
                    entry = catalogue.by_path.get(heading)
                    result.checked += 1
                    if entry is None:
                        result.unplaced.append(f"{number}: {printed} (no heading {heading})")
                        heading, body = None, True
                        continue
                    result.headings.add(heading)
                    result.seen.add(heading)
                    in_order(heading, number, printed)
                    title = heading_match.group(2).split("[")[0]
                    short = ocr and len(title) < OCR_MIN_FRAGMENT
                    if not (short or _matches(title, {norm(entry["title"])}, ocr)):
                        result.unplaced.append(f"{number}: {printed} (title of {heading})")
                    body = not catalogue.children(heading)
                    continue
                if heading is None or body:
                    continue
                risks = [raw for raw in (everything if ocr else catalogue.children(heading)) if _is_risk(raw)]
                risk_match = _RISK_RE.match(label)
                if risk_match:
                    wanted = f"{heading}/リスク{risk_match.group(1)}"
                    entry = catalogue.by_path.get(wanted)
                    pool = risks if ocr else [entry] if entry else []
                    hit = next((raw for raw in pool if _matches(risk_match.group(2), Catalogue.names(raw), ocr)), None)
                    result.checked += 1
                    if hit is None:
                        result.unplaced.append(f"{number}: {printed} (risk {wanted})")
                        continue
                    risk, question = hit["path"], None
                    result.seen.add(risk)
                    in_order(risk, number, printed)
                    continue
                block = [raw for raw in risks if raw["path"].startswith(heading + "/")
                         and _split_risks(label, Catalogue.names(raw))]
                if block:  # 様式4 4.: the risk names printed as one block, or one a line
                    risk, question = block[0]["path"], None
                    result.seen.add(risk)
                    in_order(risk, number, printed)
                    result.checked += 1
                    continue
                if _NOT_A_LABEL_RE.match(label) or "。" in label.replace("除く。", ""):
                    continue
                if ocr and len(label) < OCR_MIN_FRAGMENT and not any(label in Catalogue.names(raw)
                                                                     for raw in everything):
                    continue
                closing = catalogue.by_path.get(f"{heading}/{CLOSING}")
                if ocr:
                    candidates = everything
                else:
                    if risk:
                        scope = catalogue.below(risk)
                    else:
                        scope = [raw for raw in catalogue.below(heading)
                                 if not any(raw["path"].startswith(r["path"] + "/") for r in risks)]
                    first = catalogue.children(question) if question else []
                    candidates = [*first, *scope, *([closing] if closing else [])]
                hit = next((raw for raw in candidates if not _is_risk(raw)
                            and _matches(label, Catalogue.names(raw), ocr)), None)
                result.checked += 1
                if hit is None:
                    result.unplaced.append(f"{number}: {printed} (not an item under {risk or heading})")
                    continue
                parent = hit["path"].rsplit("/", 1)[0]
                if not ocr and parent not in (risk, heading) and parent != question:
                    result.unplaced.append(f"{number}: {printed} (follow-up of {parent}, printed elsewhere)")
                result.seen.add(hit["path"])
                in_order(hit["path"], number, printed)
                if hit["path"].endswith("/" + CLOSING):  # its value is free text: no labels follow
                    risk, question, body = None, None, True
                elif parent != question:  # a new question; its follow-ups come next
                    question = hit["path"] if catalogue.children(hit["path"]) else None
    return result


SEED_FORMS = [("002_d96ab8c3580b4465.txt", "重点"), ("004_cbd4026a17bd0163.txt", "全項目"),
              ("001_cc86eefa057d2f96.txt", "全項目")]


@pytest.fixture(scope="module")
def seeds() -> Path:
    if not SEEDS.is_dir():
        pytest.fail(f"seeds not found at {SEEDS}: ../shared must sit beside the clone")
    return SEEDS


_ZENKOMOKU_HEADINGS = {f"III/{n}" for n in range(1, 8)} | {f"IV/{n}" for n in range(1, 4)}
EXPECTED_HEADINGS = {
    "002_d96ab8c3580b4465.txt": {f"III/{n}" for n in range(1, 11)},
    "004_cbd4026a17bd0163.txt": _ZENKOMOKU_HEADINGS,
    # The extraction lost the row of 「5. 特定個人情報の提供・移転…」 (and its リスク1) in 001.
    "001_cc86eefa057d2f96.txt": _ZENKOMOKU_HEADINGS - {"III/5"},
}


@pytest.mark.parametrize(("name", "form"), SEED_FORMS)
def test_every_risk_label_of_the_seed_is_in_the_catalogue(seeds: Path, name: str, form: str) -> None:
    walk = walk_seed(name, form)
    assert walk.unplaced == []
    # The walk really read the sections: all their headings, and plenty of labels.
    assert walk.headings == EXPECTED_HEADINGS[name]
    assert walk.checked >= {"002": 45, "004": 350, "001": 85}[name[:3]]


# Rows the clean seeds print with an empty label cell (the label was lost in extraction; the value
# is there), so their entries are not seen although the form prints them.
BLANK_LABEL_ROWS = {
    "002_d96ab8c3580b4465.txt": {
        "III/6/リスク1/リスクへの対策は十分か",
        "III/6/リスク2/リスクへの対策は十分か",
        "III/7/リスク/その他の措置の内容",
    },
    "004_cbd4026a17bd0163.txt": set(),
}


@pytest.mark.parametrize(("name", "form"), [SEED_FORMS[0], SEED_FORMS[1]])
def test_the_clean_seeds_print_every_catalogued_risk_item(seeds: Path, name: str, form: str) -> None:
    """The other way round: the catalogue invents nothing in III (and IV) that the clean seeds do
    not print (apart from the rows a seed prints with an empty label cell)."""
    catalogue = _catalogue(form)
    walk = walk_seed(name, form)
    roots = [s.root for s in SEED_SECTIONS[form]]
    expected = {raw["path"] for root in roots for raw in catalogue.below(root)}
    missing = sorted(expected - walk.seen - BLANK_LABEL_ROWS[name])
    assert missing == []
