"""The plain-text article parser: signals, metadata lines, whole pages, invariants, seed scores."""

from __future__ import annotations

import importlib.util
import json
import re
from datetime import date
from pathlib import Path

import pytest

from newswarehouse.parsing import LineStats, parse_article
from newswarehouse.parsing import blocks as B
from newswarehouse.parsing.features import compute
from newswarehouse.parsing.metadata import (
    date_covers_line,
    find_dates,
    parse_byline,
    parse_copyright,
    parse_dateline,
    parse_publisher_line,
)
from newswarehouse.parsing.rules import load_rules, normalize
from newswarehouse.parsing.units import Unit, split_units

RULES = load_rules()
SHARED = Path(__file__).resolve().parents[3] / "shared"


def feat(text: str):
    return compute(Unit(0, text, 0, len(text), 0), RULES)


def local(text: str) -> str | None:
    f = feat(text)
    return B.local_label(Unit(0, text, 0, len(text), 0), f, B.prose_class(f, RULES), RULES, None, 0)


PROSE = (
    "The committee voted on Tuesday to approve the proposal, which supporters said would cut costs "
    "and opponents warned would hurt services in rural areas."
)


# --- units and signals ---------------------------------------------------------------------------


def test_units_keep_offsets_and_blocks():
    raw = "Title\n\n  First para.  \nSecond line\n\n\nThird"
    units = split_units(raw)
    assert [u.text for u in units] == ["Title", "First para.", "Second line", "Third"]
    assert all(raw[u.start:u.end] == u.text for u in units)
    assert [u.block for u in units] == [0, 1, 1, 2]


def test_hard_wrapped_prose_is_one_unit():
    raw = "The minister said the plan would be reviewed and\nthat no decision had been taken yet.\n\nNext"
    units = split_units(raw)
    assert units[0].text == "The minister said the plan would be reviewed and\nthat no decision had been taken yet."


def test_prose_signals():
    f = feat(PROSE)
    assert f.terminal and f.stop_density > 0.25 and f.cap_ratio < 0.3
    assert B.prose_class(f, RULES) == B.GOOD
    heading = feat("Russia And China Sign New Energy Pact")
    assert not heading.terminal and heading.cap_ratio == 1.0
    assert B.prose_class(heading, RULES) == B.SHORT
    assert feat('He said: "It is over."').terminal


@pytest.mark.parametrize(
    "line,label",
    [
        ("Previous Article", B.END_MARKER),
        ("Related Articles", B.END_MARKER),
        ("Leave a Reply", B.END_MARKER),
        ("Advertisement", B.MARKER),
        ("READ MORE: Why the deal collapsed", B.MARKER),
        ("Connect with us", B.CHROME),
        ('Press "Enter" to skip to content', B.CHROME),
        ("Your email address will not be published. Required fields are marked *", B.CHROME),
        ("By registering for the newsletter, you agree to the Privacy Policy.", B.CHROME),
        ("Sign up for our morning newsletter and get the news delivered to your inbox.", B.CHROME),
        ("Save articles to read later and create your own reading list.", B.CHROME),
        ("We use cookies to improve your experience. You can accept all cookies or manage your preferences.", B.CHROME),
        ("Home | World | Business | Culture", B.NAV),
        ("Markets  Companies  Economy  Opinion", B.NAV),
        ("Image caption, Rescue teams worked through the night", B.MARKER),
        ("37 Comments", B.MARKER),
        ("Best online casino bonus", B.SPAM),
        ("1x 1 2", B.MEDIA),
        ("Flood victims receive aid 750x375 1", B.MEDIA),
        ("image_0042.jpg", B.MEDIA),
        ('{"title":"Some other headline"}', B.MARKUP),
    ],
)
def test_local_chrome_labels(line, label):
    assert local(line) == label


@pytest.mark.parametrize(
    "line",
    [
        PROSE,
        "Share prices fell 3% on Tuesday after the company cut its forecast for the year.",
        "The newsletter, which has two million subscribers, was shut down last month by its owners.",
        "He returned home.",
        "Related to the case, prosecutors filed new charges against two former executives on Monday.",
    ],
)
def test_prose_with_chrome_words_is_not_chrome(line):
    assert local(line) is None


@pytest.mark.parametrize(
    "line",
    [
        "Demonstrators hold placards in the capital on Saturday. (Jan Novak/Agency via Getty Images)",
        "Leaders attend a parade in the capital on July 27, 2023. (Wire via Agency)",
        "A man wades through a flooded street on Sunday. REUTERS/Ana Lima",
        "Crowds gather outside the court. | Photo: Jane Doe",
        "AFP via Getty Images",
        "Photo by Jane Doe",
    ],
)
def test_caption_credits(line):
    assert local(line) == B.CAPTION


@pytest.mark.parametrize(
    "line",
    [
        "The agency (which reports to the ministry) said the figures were preliminary and would be revised.",
        "The images, courtesy of the space agency, show the storm from orbit over the ocean.",
        "A screenshot of the message was shared online by the group.",
        "The figures were revised (see the full report, which was published by the ministry on its website on Friday).",
    ],
)
def test_prose_is_not_caption(line):
    assert local(line) is None


# --- metadata lines ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line,expected",
    [
        ("September 6, 2023", date(2023, 9, 6)),
        ("September 6, 2023World", date(2023, 9, 6)),
        ("Sept. 6, 2023 10:45 a.m. ET", date(2023, 9, 6)),
        ("Wed 6 Sep 2023 14.32 BST", date(2023, 9, 6)),
        ("2023-09-06T10:15:00Z", date(2023, 9, 6)),
        ("Published: 09/06/2023", date(2023, 9, 6)),
        ("Updated 11:04 AM EDT, Wed September 6, 2023", date(2023, 9, 6)),
        ("6th September 2023", date(2023, 9, 6)),
        ("March 3, 20243:15 PM GMTUpdated 2 hours ago", date(2024, 3, 3)),
        ("15.10.2024 – 18:20", date(2024, 10, 15)),
        ("Published On 5 Jun 2024", date(2024, 6, 5)),
    ],
)
def test_date_formats(line, expected):
    hits = find_dates(line, RULES)
    assert hits and hits[0].value == expected
    assert date_covers_line(line, hits, RULES)


@pytest.mark.parametrize("line", ["3 hours ago", "Tuesday", "September 2023", "Asia & Pacific", "Call 555 2023"])
def test_not_dates(line):
    assert find_dates(line, RULES) == []


def test_date_inside_a_sentence_does_not_make_a_date_line():
    line = "The talks began on March 3, 2024 in the capital and ended without agreement."
    assert not date_covers_line(line, find_dates(line, RULES), RULES)


def test_date_labels_rank_published_over_updated():
    hits = find_dates("Published March 1, 2024 | Updated March 2, 2024", RULES)
    assert [h.value.day for h in hits] == [1, 2]
    assert hits[0].label_score > hits[1].label_score


@pytest.mark.parametrize(
    "line,author",
    [
        ("By Jane Doe", "Jane Doe"),
        ("By JANE DOE and JOHN ROE", "JANE DOE and JOHN ROE"),
        ("Written by Maria de la Cruz | September 6, 2023", "Maria de la Cruz"),
        ("By Jane DoeSeptember 6, 2023", "Jane Doe"),
        ("By Jane Doe, Reuters", "Jane Doe"),
        ("Author: Li Wei", "Li Wei"),
        ("Hannah Rowe Political correspondent", "Hannah Rowe"),
        ("Jane Doe, Staff Writer", "Jane Doe"),
    ],
)
def test_bylines(line, author):
    assert parse_byline(line, RULES) == author


@pytest.mark.parametrize(
    "line",
    [
        "By registering for the newsletter, you agree to the Privacy Policy.",
        "By Tuesday, officials had left.",
        "By then, it was too late.",
        "By Web Desk",
        "By the end of the week the committee had agreed a new timetable for the talks.",
        "Byron Smith",
    ],
)
def test_not_bylines(line):
    assert parse_byline(line, RULES) is None


@pytest.mark.parametrize(
    "line,outlet",
    [
        ("Source: The Daily Ledger", "The Daily Ledger"),
        ("From The Northern Courier", "The Northern Courier"),
        ("This article originally appeared on Example Daily News.", "Example Daily News"),
        ("Originally published by Harbor Times", "Harbor Times"),
        ("Source: example.com", "example.com"),
    ],
)
def test_publisher_lines(line, outlet):
    found = parse_publisher_line(line, RULES)
    assert found and found[0] == outlet


@pytest.mark.parametrize(
    "line", ["From left, the minister and her deputy", "From our correspondent in the capital", "From 2020 to 2023 prices doubled."]
)
def test_not_publisher_lines(line):
    assert parse_publisher_line(line, RULES) is None


def test_contributor_credits():
    from newswarehouse.parsing.metadata import is_contributor_line

    def credit(line):
        f = feat(line)
        return is_contributor_line(f.norm, f.n_words, RULES)

    assert credit("Jane Doe contributed to this report.")
    assert credit("Reporting by Jane Doe; Editing by John Roe")
    assert credit("Additional reporting by Li Wei in Beijing")
    assert not credit("The report, compiled by the agency, found rising prices.")
    assert not credit("The book, edited by a former minister, sold well.")


def test_dateline_and_copyright():
    assert parse_dateline("(Metro Wire) – The council met on Monday.", RULES) == ("Metro Wire", len("(Metro Wire) – "))
    outlet, _cut = parse_dateline("LAGOS (Coast News) — Officials said on Monday that talks had failed.", RULES)
    assert outlet == "Coast News"
    assert parse_dateline("OSLO, March 3 (Northern Wire) - Officials said on Sunday that talks had failed.", RULES)[0] == "Northern Wire"
    assert parse_dateline("(AP Photo/Jane Doe) - A caption", RULES) is None
    assert parse_dateline("The council (which met Monday) - said nothing.", RULES) is None
    assert parse_copyright("© 2024 Harbor Times. All rights reserved.", RULES) == "Harbor Times"
    assert parse_copyright("Copyright 2021-2024 Lakeside Media Group", RULES) == "Lakeside Media Group"


def test_masthead_is_a_styled_or_confirmed_name_not_a_menu_word():
    from newswarehouse.parsing.title import pick_masthead

    def masthead(lines):
        feats = [feat(t) for t in lines]
        return pick_masthead(feats, [None] * len(lines), None, lines, RULES)

    assert masthead(["THE HARBOR POST", "Menu", "Search"]) == (0, "THE HARBOR POST")
    assert masthead(["Home", "Space", "Earth", "Life"]) is None
    assert masthead(["News|Politics", "Sport"]) is None
    assert masthead(["Companies", "A headline about the economy and markets"]) is None
    confirmed = ["Skip", "Menu", "We use cookies on this site.", "Valley Tribune", "Local · Sport · Weather",
                 "The mayor told the Valley Tribune on Monday that the plan would go ahead."]
    assert masthead(confirmed) == (3, "Valley Tribune")
    unconfirmed = confirmed[:-1] + ["The mayor said on Monday that the plan would go ahead."]
    assert masthead(unconfirmed) is None


# --- whole pages ---------------------------------------------------------------------------------

WIRE = """Skip to main content
Sections
Senate passes stopgap bill to avert government shutdown
By JANE MARLOWE and TOMAS ORTEGA
Published 10:15 PM EST, March 1, 2024
Updated 11:02 PM EST, March 2, 2024
WASHINGTON (Capital Wire) — The Senate passed a short-term spending bill late Friday, sending the measure to the president's desk hours before a midnight deadline.
The 77-13 vote came after days of negotiations between party leaders over the length of the extension and a handful of policy riders.
“We did our job,” the majority leader told reporters.
The measure keeps agencies funded through March 22, giving appropriators two more weeks to finish the full-year bills.
Advertisement
Some conservatives had pushed for deeper spending cuts, but the leadership said there was no appetite for a shutdown in an election year.
Capital Wire writer Lisa Chen contributed to this report.
Copyright 2024 Capital Wire. All rights reserved. This material may not be published, broadcast, rewritten or redistributed.
RELATED COVERAGE
House Republicans unveil new border plan
What to know about the looming shutdown deadline
"""

BLOG = """Home » Politics » Local

City council approves new bike lanes downtown

Posted on April 12, 2024 by Maria Gonzalez

The city council voted 7-2 on Tuesday night to approve a network of protected bike lanes across the downtown core, ending months of heated debate.

Supporters said the lanes would make streets safer and reduce traffic congestion, while opponents warned that removing parking would hurt small shops.

The first phase of construction is expected to begin in June.

Share this:

Twitter
Facebook

Related

Council delays vote on parking fees

12 thoughts on “City council approves new bike lanes downtown”

John Smith says:
April 14, 2024 at 9:14 pm

This is a terrible idea and the council should be ashamed of ignoring the businesses that keep this town alive every single day.

Reply

Leave a Reply Cancel reply

Your email address will not be published. Required fields are marked *
"""

UK = """Wed 6 Sep 2023 14.32 BST
Chancellor signals U-turn on fuel duty freeze
Hannah Rowe Political correspondent
The chancellor has signalled that the government could end the long-running freeze on fuel duty, in a move that would raise billions of pounds but risk angering motorists.
Speaking at a conference in the Midlands, he said “all options are on the table” ahead of the autumn statement.
Motoring groups reacted angrily.
“Drivers are already paying through the nose,” said a spokesperson for one group. “This would be a kick in the teeth.”
Explore more on these topics
Fuel duty
Share
Reuse this content
Most viewed
"""

SINGLE_NEWLINES = """Menu
Search
Log in
Tech giant fined over data breach
March 3, 2024
The data protection authority on Monday fined the company 50 million euros, saying it had failed to notify users for months after hackers accessed their accounts.
Advertisement
READ MORE: Why data breaches keep happening
The company said it would appeal the decision and had already strengthened its security systems.
It was the largest fine the authority has issued.
Privacy campaigners welcomed the ruling but said penalties remained too small to change corporate behaviour.
Sign up for our daily newsletter
Get the top stories delivered to your inbox every morning.
Email address
Sign up
"""

HEADINGS_AND_LISTS = """What the new budget means for you
Jordan Blake
2024-03-03T10:15:00Z
The government unveiled its annual budget on Wednesday, with several measures aimed at households struggling with the cost of living.
Here are the main changes:
- Income tax thresholds rise by 5 percent from April
- Fuel duty stays frozen for another year
Winners And Losers
Economists said the package was modest but would help lower-income families in the short term.
Protesters
Demonstrators hold placards during a rally in the capital on Saturday. (Photo by Jan Novak/Agency via Getty Images)
Opposition parties criticised the plans as too little, too late.
This article originally appeared on Example Daily News.
"""

TRENDING = """Trending
Stocks tumble as inflation fears mount
Celebrity chef opens new restaurant in Paris
Local team wins championship after dramatic final
Breaking News
Flooding forces thousands to evacuate in northern province
March 5, 2024
Heavy rain over the weekend caused rivers to burst their banks across the northern province, forcing more than 12,000 people from their homes.
A man wades through a flooded street in the provincial capital on Sunday. REUTERS/Ana Lima
Emergency crews used boats to rescue residents trapped on rooftops, and the army was deployed to help.
“We have never seen water this high,” one resident said.
"""

TABLOID = """Dog saves family from house fire
A quick-thinking dog woke its owners as smoke filled their home.
The family of four escaped unharmed early on Sunday morning.
"He's a hero," said the owner, Sarah Jones.
He is expected to make a full recovery.
Share on Facebook
Share on Twitter
"""

NO_METADATA = """Scientists discover new species of deep-sea octopus

Researchers have identified a previously unknown species of octopus living near hydrothermal vents off the coast of Costa Rica.

The animals, which were filmed by a remotely operated vehicle at a depth of nearly 3,000 metres, appear to brood their eggs in the warm water.
"""

MASTHEAD_PAGE = """We use cookies to improve your experience and to show you personalised advertising. You can accept all cookies or manage your preferences at any time.
Accept all
Manage preferences
THE RIVERSIDE GAZETTE
Menu
Search
Politics
Science
About
COUNTY NEWS
Library reopens after two-year renovation with new children's wing
The building now has a rooftop reading garden and a makerspace for teenagers
By Priya Natarajan | Senior Reporter
Published 9:05 AM, January 12, 2024
Facebook  X  Email  Print
The county's central library reopened on Friday after a two-year, $18 million renovation that added a children's wing, a rooftop reading garden and a makerspace.
Hundreds of residents queued outside before the doors opened at 9 a.m., and the head librarian said more than 2,000 people visited in the first three hours.
Visitors browse the new children's wing on Friday. (Tom Baker/The Riverside Gazette)
A long wait
The project was delayed by a year after builders found asbestos in the original 1962 structure, the county said.
Story continues below
“It was worth the wait,” said Ellen Marsh, who has used the library for 40 years. “The kids will love it.”
She declined to say more.
More from County News
Council approves new parking rules for downtown
Priya Natarajan covers local government for the Gazette.
© 2024 The Riverside Gazette. All rights reserved.
"""

MENU_PAGE = """Home
World
Climate
About
Glaciers in the Alps lost a record share of their ice this summer
Tomás Weber
2023-10-02
Switzerland's glaciers lost 4 percent of their remaining volume this year, the second-largest loss on record, scientists said on Monday.
A hot summer and low winter snowfall combined to strip ice from even the highest glaciers, according to the monitoring network.
"We are seeing the end of many small glaciers," one of the researchers said.
Tags: Climate, Switzerland, Glaciers
"""

PAGES = {
    "wire": (
        WIRE,
        {"title": "Senate passes stopgap bill to avert government shutdown", "author": "JANE MARLOWE and TOMAS ORTEGA",
             "date": date(2024, 3, 1), "publisher": "Capital Wire"},
        ["The Senate passed a short-term spending bill", "“We did our job,” the majority leader told reporters.",
         "no appetite for a shutdown in an election year."],
        ["Skip to main content", "Sections", "Advertisement", "contributed to this report", "All rights reserved",
         "RELATED COVERAGE", "House Republicans unveil", "WASHINGTON (Capital Wire)"],
    ),
    "blog": (
        BLOG,
        {"title": "City council approves new bike lanes downtown", "author": "Maria Gonzalez", "date": date(2024, 4, 12), "publisher": None},
        ["The city council voted 7-2", "expected to begin in June."],
        ["Home »", "Share this", "Twitter", "Council delays vote", "thoughts on", "says:", "terrible idea", "Leave a Reply",
         "Your email address"],
    ),
    "uk": (
        UK,
        {"title": "Chancellor signals U-turn on fuel duty freeze", "author": "Hannah Rowe", "date": date(2023, 9, 6), "publisher": None},
        ["The chancellor has signalled", "Motoring groups reacted angrily.", "a kick in the teeth."],
        ["BST", "Political correspondent", "Explore more", "Fuel duty\n", "Reuse this content", "Most viewed"],
    ),
    "single_newlines": (
        SINGLE_NEWLINES,
        {"title": "Tech giant fined over data breach", "author": None, "date": date(2024, 3, 3), "publisher": None},
        ["fined the company 50 million euros", "It was the largest fine the authority has issued.",
         "penalties remained too small to change corporate behaviour."],
        ["Menu", "Log in", "Advertisement", "READ MORE", "Sign up", "delivered to your inbox", "Email address"],
    ),
    "headings_and_lists": (
        HEADINGS_AND_LISTS,
        {"title": "What the new budget means for you", "author": "Jordan Blake", "date": date(2024, 3, 3), "publisher": "Example Daily News"},
        ["The government unveiled its annual budget", "Here are the main changes:", "- Income tax thresholds rise",
         "- Fuel duty stays frozen", "too little, too late."],
        ["Jordan Blake", "2024-03-03", "Winners And Losers", "Protesters", "Demonstrators hold placards", "originally appeared"],
    ),
    "trending": (
        TRENDING,
        {"title": "Flooding forces thousands to evacuate in northern province", "author": None, "date": date(2024, 3, 5), "publisher": None},
        ["Heavy rain over the weekend", "“We have never seen water this high,” one resident said."],
        ["Trending", "Stocks tumble", "Celebrity chef", "Breaking News", "REUTERS/Ana Lima", "wades through"],
    ),
    "tabloid": (
        TABLOID,
        {"title": "Dog saves family from house fire", "author": None, "date": None, "publisher": None},
        ["A quick-thinking dog woke its owners", "He is expected to make a full recovery."],
        ["Share on"],
    ),
    "masthead": (
        MASTHEAD_PAGE,
        {"title": "Library reopens after two-year renovation with new children's wing", "author": "Priya Natarajan",
             "date": date(2024, 1, 12), "publisher": "The Riverside Gazette"},
        ["The county's central library reopened on Friday", "“It was worth the wait,” said Ellen Marsh",
         "She declined to say more."],
        ["cookies", "Accept all", "RIVERSIDE GAZETTE", "COUNTY NEWS", "Facebook", "Visitors browse", "Tom Baker",
         "Story continues below", "More from", "Council approves new parking", "covers local government", "©"],
    ),
    "menu": (
        MENU_PAGE,
        {"title": "Glaciers in the Alps lost a record share of their ice this summer", "author": "Tomás Weber",
             "date": date(2023, 10, 2), "publisher": None},
        ["Switzerland's glaciers lost 4 percent", "one of the researchers said."],
        ["Home", "About", "Tomás Weber", "2023-10-02", "Tags:"],
    ),
    "no_metadata": (
        NO_METADATA,
        {"title": "Scientists discover new species of deep-sea octopus", "author": None, "date": None, "publisher": None},
        ["Researchers have identified", "brood their eggs in the warm water."],
        [],
    ),
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_pages(name):
    raw, meta, must, must_not = PAGES[name]
    parsed = parse_article(raw)
    assert parsed.title == meta["title"]
    assert parsed.author == meta["author"]
    assert parsed.published_date == meta["date"]
    assert parsed.publisher == meta["publisher"]
    for text in must:
        assert text in parsed.body_text, text
    for text in must_not:
        assert text not in parsed.body_text, text
    assert_invariants(raw, parsed)


def assert_invariants(raw: str, parsed) -> None:
    paragraphs = parsed.body_text.split("\n\n") if parsed.body_text else []
    for para in paragraphs:
        assert para and para == para.strip()
        assert para in raw, para
    # nothing lost silently: every line is either in the body or listed as removed with a reason
    kept = set(paragraphs)
    removed = {line for line, _ in parsed.removed_lines}
    for unit in split_units(raw):
        assert unit.text in kept or unit.text in removed or any(unit.text.endswith(p) for p in kept), unit.text
    assert all(reason for _, reason in parsed.removed_lines)


def test_kicker_headline():
    body = "Rescue teams searched collapsed buildings through the night after the quake struck the coastal city on Monday."
    parsed = parse_article(f"Menu\nBREAKING: Strong earthquake hits coastal city\nMarch 4, 2024\n{body}\n")
    assert parsed.title == "BREAKING: Strong earthquake hits coastal city"
    ticker = parse_article(f"BREAKING: Storm closes schools across the county\n\nStrong earthquake hits coastal city\nMarch 4, 2024\n{body}\n")
    assert ticker.title == "Strong earthquake hits coastal city"


def test_breadcrumb_holding_the_headline_is_not_the_title():
    raw = (
        "Home » News » Officials warn of record heat this week\nOfficials warn of record heat this week\n"
        "Posted by admin | September 7, 2023\n"
        "Forecasters warned on Thursday that temperatures could exceed 40C in several cities this week, breaking records.\n"
        "Tags: weather, heatwave\nBuy cheap followers\nBest casino bonuses 2023\n"
    )
    parsed = parse_article(raw)
    assert parsed.title == "Officials warn of record heat this week"
    assert parsed.author is None
    assert parsed.published_date == date(2023, 9, 7)
    assert parsed.body_text.startswith("Forecasters warned") and "casino" not in parsed.body_text


def test_split_byline_and_cut_off_last_paragraph():
    raw = (
        "A headline about the town budget\nBy\nJane Doe\nMay 2, 2024\n"
        "The town council approved the budget on Tuesday after a long debate about school funding and road repairs.\n"
        "The mayor said the vote was a good compromise for everyone in the town, and that the council would review spending in the\n"
        "Related\nWhy the new budget matters\n"
    )
    parsed = parse_article(raw)
    assert parsed.author == "Jane Doe"
    assert parsed.published_date == date(2024, 5, 2)
    assert parsed.body_text.endswith("would review spending in the")
    assert "Why the new budget" not in parsed.body_text
    assert_invariants(raw, parsed)


def test_body_never_contains_chrome_lines():
    chrome = ["Previous Article", "Next Article", "Leave a Comment", "Write a Comment", "Connect with us",
              "Be First to Comment", "Share this article", "Subscribe to our newsletter", "Related Articles"]
    body = "\n\n".join([PROSE] * 3)
    for line in chrome:
        for raw in (f"Headline about the vote\n\n{line}\n\n{body}", f"Headline about the vote\n\n{body}\n\n{line}\n\n{PROSE}",
                    f"Headline about the vote\n\n{body}\n\n{line}"):
            parsed = parse_article(raw)
            assert line not in parsed.body_text.split("\n\n"), (line, raw)


@pytest.mark.parametrize("raw", ["", "   ", "\n\n\n", "One line only", "Just a sentence.", "x", "\t \n \t", "2023", "By", "©"])
def test_degenerate_inputs_never_raise(raw):
    parsed = parse_article(raw)
    assert isinstance(parsed.body_text, str)
    assert_invariants(raw, parsed)


def test_random_text_never_raises():
    hypothesis = pytest.importorskip("hypothesis")
    from hypothesis import strategies as st

    alphabet = st.sampled_from(list("abc XYZ.,;:!?()\"'“”–—-/|©0123456789\n\n\n") + ["By ", "Source: ", "From ", "September 6, 2023", PROSE])

    @hypothesis.settings(max_examples=150, deadline=None)
    @hypothesis.given(st.lists(alphabet, max_size=60).map("".join))
    def check(raw):
        assert_invariants(raw, parse_article(raw))

    check()


def test_corpus_repeated_lines_are_template():
    template = "Our Daily Briefing Podcast"
    pages = [f"Headline number {i} about events\n\n{PROSE}\n\n{template}\n\nOther Network Site" for i in range(5)]
    stats = LineStats.from_texts(pages)
    assert stats.doc_counts[normalize(template)] == 5
    page = f"Headline about the vote\n\n{PROSE}\n\n{template}\n\n{PROSE} Again."
    parsed = parse_article(page, line_stats=stats)
    assert (template, B.CORPUS_REPEAT) in parsed.removed_lines
    assert parse_article(page).body_text.count(PROSE) == 2  # works without stats too


# --- seeds (scored against the shared gold) -------------------------------------------------------


@pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason="../shared is not available")
def test_seed_scores():
    spec = importlib.util.spec_from_file_location("shared_score", SHARED / "eval" / "tools" / "score.py")
    score_mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score_mod)
    gold, pred = {}, {}
    for gold_file in sorted((SHARED / "eval" / "gold").glob("*.json")):
        g = json.loads(gold_file.read_text())
        raw = (SHARED / "seeds" / g["article"]).read_text(encoding="utf-8").replace("\r\n", "\n")
        parsed = parse_article(raw)
        gold[g["article"]] = g
        pred[g["article"]] = {
            "title": parsed.title,
            "publisher": parsed.publisher,
            "published_date": parsed.published_date.isoformat() if parsed.published_date else None,
            "body": parsed.body_text,
            "entities": [],
            "statements": [],
        }
        assert_invariants(raw, parsed)
    res = score_mod.score(gold, pred)
    assert res["title_acc"] == 1.0
    assert res["publisher_acc"] == 1.0
    assert res["body_recall"] >= 0.98
    assert res["boilerplate_leak"] <= 0.05
    assert res["date_acc"] >= 0.99


# --- page furniture read by its form (invented one-liners) ---------------------------------------


@pytest.mark.parametrize(
    "line,author",
    [
        ("  • By Staff Sgt. Jane Roe", "Staff Sgt. Jane Roe"),
        ("By Sgt. 1st Class Jane Roe", "Sgt. 1st Class Jane Roe"),
        ("By Sgt. 1st Class Jane Roe Army Example Public Affairs", "Sgt. 1st Class Jane Roe"),
        ("By Nordwire", "Nordwire"),
        ("By Team Herald", "Team Herald"),
        ("By Jane Roe & John Doe", "Jane Roe & John Doe"),
        ("By Jane Roe, The Example Press", "Jane Roe"),
        ("By Lena MacAllister", "Lena MacAllister"),
        ("By JANE ROE Example Press", "JANE ROE"),
        ("By Jane M. Roe The Example Press", "Jane M. Roe"),
        ("By Jane Roe and John Doe Example Press", "Jane Roe and John Doe"),
        ("By Maria de la Cruz Example News", "Maria de la Cruz"),
    ],
)
def test_furniture_bylines(line, author):
    assert parse_byline(line, RULES) == author


@pytest.mark.parametrize("line", ["By Christmas", "By then, the talks had failed.", "By Web Desk"])
def test_furniture_not_bylines(line):
    assert parse_byline(line, RULES) is None


def test_byline_affiliations():
    from newswarehouse.parsing.metadata import byline_affiliation

    assert byline_affiliation("By Jane Roe, The Example Press", RULES) == "The Example Press"
    assert byline_affiliation("By Sgt. Jane Roe 99th Example Wing Public Affairs", RULES) == "99th Example Wing Public Affairs"
    assert byline_affiliation("By Jane Roe | Updated March 3, 2024", RULES) is None
    assert byline_affiliation("By Jane Roe, Staff Writer", RULES) is None
    assert byline_affiliation("By Jim Roe, Example Defense News | March 3, 2024", RULES) == "Example Defense News"
    assert byline_affiliation("Posted by Jane Roe, Example Agency, in Science", RULES) == "Example Agency"
    assert byline_affiliation("By JANE ROE and JOHN DOE Example Press", RULES) == "Example Press"


def test_affiliation_logo_and_release_lines():
    from newswarehouse.parsing import furniture as F

    assert F.affiliation_line("  • 99th Example Wing Public Affairs", RULES) == "99th Example Wing Public Affairs"
    assert F.affiliation_line("Example Fleet News Service", RULES) == "Example Fleet News Service"
    assert F.affiliation_line("The office said the report was late.", RULES) is None
    assert F.affiliation_line("Newsroom", RULES) is None
    assert F.logo_line("Example Daily Chronicle Logo", RULES) == "Example Daily Chronicle"
    assert F.logo_line("Logo", RULES) is None
    assert F.release_header("EXA Press Release", RULES) == (True, "EXA")
    assert F.release_header("EXA News Releases 2011", RULES) == (True, "EXA")
    assert F.release_header("Press Release", RULES) == (True, None)
    assert F.release_header("Weekly press release XY 1234-5", RULES) == (True, None)
    assert F.release_header("The release of the hostages was delayed", RULES) == (False, None)
    assert F.release_header("Press releases show a rise in filings", RULES) == (False, None)  # a headline
    assert F.release_header("News Releases from Region 4", RULES) == (True, None)
    readout = parse_article(f"BRIEFING ROOM\nReadout of the Minister's Call with the Mayor\nMarch 3, 2024\n{PROSE}\n")
    assert readout.title == "Readout of the Minister's Call with the Mayor"


def test_contact_blocks():
    from newswarehouse.parsing import furniture as F
    from newswarehouse.parsing import glued

    assert F.is_contact_line("Contact: Jane Roe", RULES)
    assert F.is_contact_line("For Immediate Release: Monday, March 4, 2024", RULES)
    assert F.is_contact_line("Media Inquiries", RULES)
    assert not F.is_contact_line("Contact between the two sides resumed on Monday after a long pause in the talks.", RULES)
    assert F.phone_line("(555) 010-0199", RULES)
    assert F.address_line("12 Example Road, Springfield, ST 01234", RULES)
    text = "Contact: Jane Roe, (555) 010-0199 The Example Agency said on Monday that it would expand."
    cut = glued.glued_contact(text, RULES)
    assert text[cut:].strip().startswith("The Example Agency")


def test_sign_ons_and_told_outlet():
    from newswarehouse.parsing import story_credits as F

    assert F.sign_on("From Example Radio English, this is THE WEEK in plain words.", RULES) == (None, "Example Radio English")
    assert F.sign_on("This is Jane Roe with the XRN Morning Report.", RULES) == ("Jane Roe", "XRN")
    assert F.sign_on("Fighting went on all week. Jane Roe reports for XRN from the capital.", RULES) == ("Jane Roe", "XRN")
    assert F.sign_on("The minister said talks would resume on Monday.", RULES) == (None, None)
    assert F.told_outlet("A spokesman told XRN there was no deal.", RULES) == "XRN"
    assert F.told_outlet("She told UN officials the camp was full.", RULES) is None


def test_press_release_issuer():
    from newswarehouse.parsing import furniture
    from newswarehouse.parsing import story_credits as F

    paras = ["SPRINGFIELD – Today, the U.S. Example Standards Agency (ESA) released its annual report. ESA said it grew."]
    assert F.lead_organisation("ESA Releases Annual Report", paras, RULES) == "U.S. Example Standards Agency"
    assert F.lead_organisation("ESA Releases Annual Report", ["ESA said on Monday it had grown."], RULES) == "ESA"
    assert F.lead_organisation("XY 12-3 Loans Pass $1 Billion", ["The agency approved more loans."], RULES) is None
    assert F.lead_organisation(None, ["The Example Parks Service (EPS) will add two rangers."], RULES) == "Example Parks Service"
    assert furniture.organisation_line("Example Geological Survey", RULES)
    assert not furniture.organisation_line("100 Example Center", RULES)


def test_source_lists_domains_and_site_affixes():
    from newswarehouse.parsing import furniture as F
    from newswarehouse.parsing import story_credits

    items = ['- "Storm hits coast" — Example Wiki News, May 4, 2020', '- "Floods recede" — Example Wiki News, May 9, 2020']
    assert story_credits.related_outlet(items, 0, RULES) == "Example Wiki News"
    assert story_credits.related_outlet(items + ['- "Other" — Another Site, May 9, 2020'], 0, RULES) is None
    assert F.domain_in("March 3, 2024 | examplenews.com", RULES) == "examplenews.com"
    assert F.domain_credit_line("(examplenews.com)", RULES) == "examplenews.com"
    assert F.domain_credit_line("www.example.gov", RULES) is None  # a link in the story, not a credit
    assert F.site_affix("Example News: Mayor resigns after budget row", None, RULES) == (
        "Mayor resigns after budget row", "Example News")
    assert F.site_affix("Mayor resigns after budget row | examplenews.com", None, RULES) == (
        "Mayor resigns after budget row", "examplenews.com")
    assert F.site_affix("UN: Aid talks stall again", None, RULES) is None
    assert F.site_affix("Report: Economy slows in spring", None, RULES) is None


def test_glued_caption():
    from newswarehouse.parsing import glued as F

    text = "A crowd waits outside city hall. (Photo: Tom Lee/Example Agency) The council will meet on Friday."
    assert text[F.glued_caption(text, RULES):] == "The council will meet on Friday."
    assert F.glued_caption("The council (which met on Monday) Said nothing new.", RULES) == 0


FURNITURE_PAGES = {
    # byline and unit line as bullets under the headline
    "unit_bullets": (
        (
            "Example Wing opens new clinic\n\n  • Published\n  • By Staff Sgt. Jane Roe\n  • 99th Example Wing Public Affairs\n"
            f"{PROSE}\n\n{PROSE} Again.\n"
        ),
        {"title": "Example Wing opens new clinic", "author": "Staff Sgt. Jane Roe",
         "publisher": "99th Example Wing Public Affairs", "date": None},
    ),
    # byline above the headline, name + agency form
    "byline_before_headline": (
        f"Jane Roe, The Example Press\nCouncil approves new budget\nMarch 4, 2024\n{PROSE}\n\n{PROSE} Again.\n",
        {"title": "Council approves new budget", "author": "Jane Roe", "publisher": "The Example Press",
         "date": date(2024, 3, 4)},
    ),
    "agency_only_byline": (
        f"Council approves new budget\nBy Nordwire\nMarch 4, 2024\n{PROSE}\n",
        {"title": "Council approves new budget", "author": "Nordwire", "publisher": None, "date": date(2024, 3, 4)},
    ),
    # dateline with the outlet and the date in brackets
    "dateline_with_date": (
        f"Council approves new budget\n\nSPRINGFIELD (Example News Service, March 3, 2024) -- {PROSE}\n\n{PROSE} Again.\n",
        {"title": "Council approves new budget", "author": None, "publisher": "Example News Service", "date": None},
    ),
    # wiki layout: review banner, dated first line, a Sources list
    "wiki": (
        (
            "Storm floods coastal towns\n\nThis version was reviewed on 2 May 2021; newer edits await review.\n\n"
            f"Sunday, May 2, 2021\n\n{PROSE}\n\n{PROSE} Again.\n\nSources\n\n"
            '- "Storm warning issued" — Example Weather Office, May 1, 2021\n'
        ),
        {"title": "Storm floods coastal towns", "author": None, "publisher": None, "date": date(2021, 5, 2)},
    ),
    # press release with no headline: the contact credit glued to the first paragraph
    "release_without_headline": (
        (
            "Contact: Jane Roe, (555) 010-0199 The Example Parks Service (EPS) will add two rangers to the river park "
            "this spring, officials said on Monday, after visitor numbers doubled.\n\n"
            f"{PROSE}\n"
        ),
        {"title": None, "author": None, "publisher": "Example Parks Service", "date": None},
    ),
    # a headline printed after its date, contact block under it
    "dated_headline": (
        f"March 5, 2024 Example Agency Names New Director\n\nContact: Jane Roe (555) 010-0199\n\n{PROSE}\n",
        {"title": "Example Agency Names New Director", "author": None, "publisher": None, "date": date(2024, 3, 5)},
    ),
    # a sentence-like dek between the headline and the byline is not the headline
    "dek_under_headline": (
        f"Tram plan approved\nThe council voted to back the line after a long debate over costs\nBy Jane Roe\nMarch 3, 2024\n{PROSE}\n",
        {"title": "Tram plan approved", "author": "Jane Roe", "publisher": None, "date": date(2024, 3, 3)},
    ),
    # press release: headline acronym spelled out in the body; "###" ends the story, the issuer's boilerplate follows
    "release_end_mark": (
        (
            "EGA Announces New Grants\nFOR IMMEDIATE RELEASE\nMarch 3, 2024\nContact: Jane Roe, (555) 010-0199\n"
            f"WASHINGTON – The Example Grants Agency (EGA) today announced new awards. {PROSE}\n###\n"
            "About the Example Grants Agency: The agency funds research in all fifty states and has a budget of about two billion dollars.\n"
        ),
        {"title": "EGA Announces New Grants", "author": None, "publisher": "Example Grants Agency", "date": date(2024, 3, 3)},
    ),
    # a media note: its type and issuing office above the date, a contact sentence at the foot
    "media_note": (
        (
            "MEDIA NOTE\nOFFICE OF THE SPOKESPERSON\nMarch 3, 2024\n\nExample Ministry Hosts Regional Water Talks\n\n"
            f"{PROSE}\n\nFor further information, please contact the press office at press@example.gov.\n"
        ),
        {"title": "Example Ministry Hosts Regional Water Talks", "author": None, "publisher": "OFFICE OF THE SPOKESPERSON",
         "date": date(2024, 3, 3)},
    ),
    # a bare name beside the date line above the headline; a reader call-out and an archive notice at the foot
    "name_above_date": (
        (
            "Jane Roe\nUpdated March 3, 2024 03:14 PM\n\nTalks stall over river dam\n\n"
            f"{PROSE}\n\nHave an opinion on this story? Share it!\n\nThis page is archived and can no longer be edited.\n"
        ),
        {"title": "Talks stall over river dam", "author": "Jane Roe", "publisher": None, "date": date(2024, 3, 3)},
    ),
    # radio script: sign-on names the reporter and the outlet
    "radio_script": (
        (
            "Accessibility links\n\nBreaking News\n\nFARM REPORT – Dry Spring\n\nBroadcast: May 6, 2019\n\n"
            f"This is Jane Roe with the XRN Farm Report.\n\n{PROSE}\n\n{PROSE} Again.\n"
        ),
        {"title": "FARM REPORT – Dry Spring", "author": "Jane Roe", "publisher": "XRN", "date": date(2019, 5, 6)},
    ),
}


@pytest.mark.parametrize("name", sorted(FURNITURE_PAGES))
def test_furniture_pages(name):
    raw, meta = FURNITURE_PAGES[name]
    parsed = parse_article(raw)
    assert parsed.title == meta["title"]
    assert parsed.author == meta["author"]
    assert parsed.publisher == meta["publisher"]
    assert parsed.published_date == meta["date"]
    assert PROSE in parsed.body_text
    for chrome in ("About the Example", "contact the press office", "Have an opinion", "page is archived"):
        assert chrome not in parsed.body_text
    for line, _reason in parsed.removed_lines:
        assert line not in parsed.body_text.split("\n\n")
    assert_invariants(raw, parsed)


def test_prose_naming_an_agency_stays_in_the_body():
    line = "Analysts polled by DataMetric had expected earnings of $1.20 a share, the company said."
    parsed = parse_article(f"Example Corp profit beats forecasts\n\n{PROSE}\n\n{line}\n\n{PROSE} Again.\n")
    assert line in parsed.body_text
    assert parsed.publisher is None


def test_cut_off_last_line_is_body_and_subheadings_follow_the_switch():
    from newswarehouse.parsing.rules import rules_from_dict

    sub = "Rangers Plan a Second Trail"
    last = "The park will reopen in May. Then rangers will survey the north bank and"
    page = f"Park reopens\n\n{PROSE}\n\n{sub}\n\n{PROSE} Again.\n\n{last}"
    parsed = parse_article(page)
    assert parsed.body_text.endswith(last)
    assert (sub, B.SUBHEADING) in parsed.removed_lines
    units = split_units(page)
    feats = [compute(u, RULES) for u in units]
    raw = {**RULES.raw, "prose": {**RULES.raw["prose"], "keep_subheadings": True}}
    keep = rules_from_dict(raw)
    labels = B.resolve_context(feats, [None] * len(units), [B.prose_class(f, keep) for f in feats], keep)
    assert labels[[u.text for u in units].index(sub)] == B.BODY


# --- real pages (scored against the shared gold) --------------------------------------------------

REAL_TARGETS = {"title_acc": 0.90, "publisher_acc": 0.80, "author_acc": 0.80, "date_acc": 0.90, "body_recall": 0.97}
# Scrapers differ in how they keep line breaks: the same pages with blank lines dropped, or every line its own block.
REFLOWS = {
    "as_scraped": lambda text: text,
    "no_blank_lines": lambda text: re.sub(r"\n\s*\n+", "\n", text),
    "all_blank_lines": lambda text: re.sub(r"\n+", "\n\n", text),
}


@pytest.mark.skipif(not (SHARED / "real" / "articles").is_dir(), reason="../shared/real is not available")
@pytest.mark.parametrize("reflow", sorted(REFLOWS))
def test_real_scores(reflow):
    spec = importlib.util.spec_from_file_location("real_score", SHARED / "real" / "tools" / "score.py")
    score_mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score_mod)
    gold, pred = {}, {}
    for gold_file in sorted((SHARED / "real" / "gold").glob("*.json")):
        g = json.loads(gold_file.read_text())
        raw = REFLOWS[reflow]((SHARED / "real" / "articles" / g["article"]).read_text(encoding="utf-8").replace("\r\n", "\n"))
        parsed = parse_article(raw)
        gold[g["article"]] = g
        pred[g["article"]] = {
            "title": parsed.title,
            "publisher": parsed.publisher,
            "author": parsed.author,
            "published_date": parsed.published_date.isoformat() if parsed.published_date else None,
            "body": parsed.body_text,
            "entities": [],
            "statements": [],
        }
        assert_invariants(raw, parsed)
    res = score_mod.score(gold, pred)
    for metric, floor in REAL_TARGETS.items():
        assert res[metric] >= floor, (metric, res[metric])
    assert res["boilerplate_leak"] <= 0.05


SAMPLES_DIR = Path(__file__).resolve().parents[2] / "samples"


@pytest.mark.skipif(not (SHARED / "eval" / "tools" / "score.py").is_file(), reason="../shared is not available")
@pytest.mark.parametrize("reflow", sorted(REFLOWS))
def test_sample_scores(reflow):
    spec = importlib.util.spec_from_file_location("shared_score", SHARED / "eval" / "tools" / "score.py")
    score_mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score_mod)
    gold, pred = {}, {}
    for gold_file in sorted((SAMPLES_DIR / "gold").glob("*.json")):
        g = json.loads(gold_file.read_text(encoding="utf-8"))
        raw = REFLOWS[reflow]((SAMPLES_DIR / "inbox" / g["article"]).read_text(encoding="utf-8"))
        parsed = parse_article(raw)
        gold[g["article"]] = g
        pred[g["article"]] = {
            "title": parsed.title,
            "publisher": parsed.publisher,
            "author": parsed.author,
            "published_date": parsed.published_date.isoformat() if parsed.published_date else None,
            "body": parsed.body_text,
            "entities": [],
            "statements": [],
        }
        assert_invariants(raw, parsed)
    res = score_mod.score(gold, pred)
    for metric in ("title_acc", "publisher_acc", "author_acc", "date_acc"):
        assert res[metric] == 1.0, (metric, res[metric])
    assert res["body_recall"] >= 0.98
    assert res["boilerplate_leak"] <= 0.05


def test_site_tagline_only_above_the_story():
    tagline = parse_article(f"Minister visits Rome\nFrom Example Wiki News, the free news site\n{PROSE}\n{PROSE} Again.")
    assert tagline.publisher == "Example Wiki News"
    cut_off = "From Paris, the minister flew on to Rome for talks with her counterpart on the new trade"
    prose = parse_article(f"Minister visits Rome\n{PROSE}\n{PROSE} Again.\n{cut_off}")
    assert prose.publisher is None


@pytest.mark.parametrize(
    "sentence",
    ["They agreed to share it equally.", "The footage is archived.", "Here is how to check your ballot.",
     "Residents have an opinion about it.", "Tickets are sold on the official site."],
)
def test_short_prose_near_banner_vocabulary_stays_in_the_body(sentence):
    parsed = parse_article(f"Headline about the vote\n\n{PROSE}\n\n{sentence}\n\n{PROSE} Again.")
    assert sentence in parsed.body_text.split("\n\n")
