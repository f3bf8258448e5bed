"""A deterministic benchmark corpus: N scraped-style articles recombined from the samples.

Body paragraphs come from the bundled sample corpus (``samples/inbox``); every
person and organisation in them is replaced, per article, by a name drawn from
combinatorial pools (first names x syllable surnames, syllable stems x
organisation words), so the number of distinct entities and statements keeps
growing with N. Each article gets its own page chrome (outlet, navigation,
byline, date in one of several formats, share and footer lines). About 2% are
syndicated copies of a recent article under another outlet's chrome, so the
near-duplicate logic has work to do.

Files are written one at a time (folders of 1,000): memory stays flat in N.

    .venv/bin/python bench/make_corpus.py --n 10000 --out /tmp/corpus10k --seed 7
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import random
import re
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SAMPLES = PROJECT_ROOT / "samples" / "inbox"

# --- name pools (written for this benchmark; combinatorial, so they do not run out) ---
FIRST_NAMES = ["Ada", "Alan", "Alma", "Amir", "Anya", "Arlo", "Asha", "Bea", "Bruno", "Cara", "Cecil", "Dara", "Dev", "Dina", "Edda", "Elif", "Emil", "Enzo", "Esme", "Ezra", "Fern", "Finn", "Gia", "Gus", "Hana", "Hugo", "Ida", "Igor", "Ines", "Ivo", "Jada", "Joel", "Juno", "Kai", "Kira", "Lars", "Lena", "Leon", "Lila", "Luca", "Mara", "Milo", "Mina", "Nico", "Nora", "Odin", "Olga", "Omar", "Orla", "Otto", "Pia", "Quin", "Rafa", "Rhea", "Rosa", "Rudi", "Sana", "Saul", "Suri", "Tam", "Tess", "Theo", "Uma", "Uri", "Vera", "Vito", "Wes", "Wren", "Xena", "Yara", "Yuri", "Zane", "Zora", "Bernadette", "Cornelius", "Domenica", "Evander", "Gwendolyn", "Leopold", "Marisol", "Philippa", "Rosalind", "Thaddeus"]
SURNAME_HEADS = ["Al", "Ash", "Bar", "Bel", "Bram", "Cal", "Car", "Dal", "Dun", "El", "Fal", "Fen", "Gar", "Gil", "Hal", "Har", "Hol", "Kel", "Ken", "Lan", "Mar", "Mel", "Nor", "Oak", "Pen", "Quar", "Rav", "Ros", "Sal", "Sel", "Stan", "Tal", "Thorn", "Tre", "Val", "Vor", "Wal", "Wen", "Wil", "Yar"]
SURNAME_MIDS = ["a", "e", "i", "o", "an", "en", "in", "or", "er", "el"]
SURNAME_TAILS = ["by", "combe", "dale", "field", "ford", "ham", "hurst", "ley", "low", "more", "ridge", "shaw", "stead", "ton", "vale", "wick", "worth", "well", "mont", "ner"]
ORG_WORDS = ["Holdings", "Group", "Council", "Institute", "Foundation", "Partners", "Logistics", "Energy", "Bank", "University", "Hospital", "Trust", "Union", "Association", "Agency", "Systems", "Labs", "Motors", "Airways", "Press"]
OUTLET_WORDS = ["Herald", "Courier", "Gazette", "Post", "Times", "Chronicle", "Observer", "Record", "Express", "Journal", "Mercury", "Sentinel"]
SECTIONS = ["News", "Politics", "Business", "Sport", "Health", "Science", "Culture", "Technology", "World", "Local", "Opinion", "Environment"]
NAV = ("Home", "News", "Sport", "Business", "Opinion", "Culture", "Lifestyle", "Weather", "Subscribe", "Sign in")
SHARE = ("Share on Facebook", "Share on X", "Share via email", "Copy link", "Print this article")
FOOTER = (
    "Related stories", "Most read", "Sign up to our morning newsletter", "Privacy policy", "Terms of use",
    "Cookie settings", "Contact us", "Advertise with us", "Back to top",
)
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def surname(i: int) -> str:
    """The i-th surname: head+tail first, then head+mid+tail (~8,800 in all)."""
    h, t, m = len(SURNAME_HEADS), len(SURNAME_TAILS), len(SURNAME_MIDS)
    if i < h * t:
        return SURNAME_HEADS[i % h] + SURNAME_TAILS[i // h]
    i -= h * t
    i %= h * m * t
    return SURNAME_HEADS[i % h] + SURNAME_MIDS[(i // h) % m] + SURNAME_TAILS[i // (h * m)]


def person(i: int) -> tuple[str, str]:
    """The i-th person name (first, last); consecutive i differ in both."""
    return FIRST_NAMES[i % len(FIRST_NAMES)], surname((i * 7919) // len(FIRST_NAMES) + i)


def stem(i: int) -> str:
    return surname(i * 31 + 11)


# --- the paragraph bank -----------------------------------------------------------------------

@dataclass
class Bank:
    titles: list[str]
    paragraphs: list[list[str]]  # per sample article, its body paragraphs
    people: dict[str, str]  # original surface -> person key (a full name)
    orgs: list[str]
    pattern: re.Pattern[str]


def build_bank(samples: Path) -> Bank:
    """Sample bodies split into paragraphs; the people and organisations in them, found by the model."""
    from newswarehouse.enrichment.nlp import load_pipeline
    from newswarehouse.settings import load_settings

    nlp = load_pipeline(load_settings().spacy_model)
    titles: list[str] = []
    paragraphs: list[list[str]] = []
    people: dict[str, str] = {}
    orgs: set[str] = set()
    for path in sorted(samples.glob("*.txt")):
        # Independent of the product's parser on purpose (it is being changed while
        # benchmarks run): body paragraphs are the long lines, the headline the
        # first sentence-like line without a full stop above them.
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
        paras = [line for line in lines if len(line.split()) >= 20]
        if not paras:
            continue
        head = lines[: lines.index(paras[0])]
        title = next((line for line in head if 5 <= len(line.split()) <= 20 and not line.endswith(".")), None)
        titles.append(title or paras[0].split(". ")[0])
        paragraphs.append(paras)
        for ent in nlp(titles[-1]).ents + nlp("\n\n".join(paras)).ents:
            words = ent.text.split()
            if ent.label_ == "PERSON" and len(words) >= 2 and all(w[:1].isupper() for w in words):
                people.setdefault(ent.text, ent.text)
                people.setdefault(words[-1], ent.text)  # the surname alone refers to the same person
            elif ent.label_ == "ORG" and all(w[:1].isupper() for w in words) and not ent.text.isupper():
                orgs.add(ent.text)
    surfaces = sorted(set(people) | orgs, key=len, reverse=True)
    pattern = re.compile(r"\b(" + "|".join(re.escape(s) for s in surfaces) + r")\b")
    return Bank(titles, paragraphs, people, sorted(orgs), pattern)


# --- one article ------------------------------------------------------------------------------

class Renamer:
    """Per-article consistent replacement of people and organisations."""

    def __init__(self, bank: Bank, rng: random.Random, pool: int, famous: int) -> None:
        self.bank, self.rng, self.pool, self.famous = bank, rng, pool, famous
        self.people: dict[str, tuple[str, str]] = {}
        self.orgs: dict[str, str] = {}

    def _new_person(self) -> tuple[str, str]:
        # A few recurring public figures, and a long tail that keeps growing with N.
        i = self.rng.randrange(self.famous) if self.rng.random() < 0.25 else self.rng.randrange(self.pool)
        return person(i)

    def _sub(self, m: re.Match[str]) -> str:
        surface = m.group(1)
        key = self.bank.people.get(surface)
        if key is not None:
            first, last = self.people.setdefault(key, self._new_person())
            return last if " " not in surface else f"{first} {last}"
        if surface not in self.orgs:
            words = surface.split()
            tail = words[-1] if len(words) > 1 else self.rng.choice(ORG_WORDS)
            self.orgs[surface] = f"{stem(self.rng.randrange(self.pool))} {tail}"
        return self.orgs[surface]

    def __call__(self, text: str) -> str:
        text = self.bank.pattern.sub(self._sub, text)
        # Vary the figures too, so that no two articles share long word runs.
        return re.sub(r"\b\d{2,4}\b", lambda m: str(self.rng.randrange(10, 10 ** len(m.group(0)))), text)


def _date_line(rng: random.Random, d: date) -> str:
    style = rng.randrange(4)
    if style == 0:
        return f"{WEEKDAYS[d.weekday()]} {d.day} {MONTHS[d.month - 1][:3]} {d.year} {rng.randrange(6, 23):02d}.{rng.randrange(60):02d} GMT"
    if style == 1:
        return f"Published {MONTHS[d.month - 1]} {d.day}, {d.year}"
    if style == 2:
        return f"{d.isoformat()}"
    return f"Updated {d.day} {MONTHS[d.month - 1]} {d.year}"


def _body(bank: Bank, rng: random.Random, base: int, target_words: int) -> tuple[str, list[str]]:
    """Headline of the base article, its opening paragraphs, then paragraphs from anywhere."""
    paras = list(bank.paragraphs[base][:2])
    used = {(base, 0), (base, 1)}
    words = sum(len(p.split()) for p in paras)
    while words < target_words and len(used) < sum(map(len, bank.paragraphs)):
        a = rng.randrange(len(bank.paragraphs))
        k = rng.randrange(len(bank.paragraphs[a]))
        if (a, k) in used:
            continue
        used.add((a, k))
        paras.append(bank.paragraphs[a][k])
        words += len(paras[-1].split())
    return bank.titles[base], paras


def _page(rng: random.Random, outlet: str, section: str, title: str, standfirst: str | None,
          author: str, when: date, paras: list[str]) -> str:
    lines = ["Skip to main content", outlet, *rng.sample(NAV, rng.randrange(4, len(NAV))), "", section, "", title, ""]
    if standfirst:
        lines += [standfirst, ""]
    lines += [f"By {author}", _date_line(rng, when), "", *rng.sample(SHARE, rng.randrange(2, 4)), ""]
    for p in paras:
        lines += [p, ""]
    lines += [*rng.sample(FOOTER, rng.randrange(3, 6)), f"© {when.year} {outlet}. All rights reserved."]
    return "\n".join(lines) + "\n"


def generate(n: int, out: Path, seed: int, samples: Path = SAMPLES, start: int = 0) -> dict[str, int]:
    """Write articles ``start .. start+n-1`` of the corpus for ``seed`` under ``out``.

    Article i depends only on (seed, i), so ``--start`` makes new articles that
    extend an existing corpus (the incremental benchmark) without overlap.
    """
    bank = build_bank(samples)
    out.mkdir(parents=True, exist_ok=True)
    pool = 5 * (start + n) + 1000  # distinct people/organisations available grow with the corpus
    recent: collections.deque[tuple[str, str, list[str]]] = collections.deque(maxlen=50)
    words_total = 0
    syndicated = 0
    for i in range(start, start + n):
        rng = random.Random(int.from_bytes(hashlib.sha256(f"{seed}:{i}".encode()).digest()[:8], "big"))
        when = date(2015, 1, 1) + timedelta(days=rng.randrange(11 * 365))
        outlet = f"The {stem(rng.randrange(300))} {rng.choice(OUTLET_WORDS)}"
        section = rng.choice(SECTIONS)
        author = " ".join(person(rng.randrange(pool)))
        if recent and rng.random() < 0.02:
            title, standfirst, paras = recent[rng.randrange(len(recent))]
            syndicated += 1
        else:
            target = int(min(2500, max(150, rng.lognormvariate(6.4, 0.4))))  # median ~600 words
            base = rng.randrange(len(bank.paragraphs))
            title, paras = _body(bank, rng, base, target)
            rename = Renamer(bank, rng, pool, famous=200)
            title = rename(title)
            paras = [rename(p) for p in paras]
            standfirst = rename(bank.paragraphs[rng.randrange(len(bank.paragraphs))][0].split(". ")[0]) + "." \
                if rng.random() < 0.5 else None
            recent.append((title, standfirst, paras))
        text = _page(rng, outlet, section, title, standfirst, author, when, paras)
        words_total += sum(len(p.split()) for p in paras)
        folder = out / f"{i // 1000:04d}"
        folder.mkdir(exist_ok=True)
        (folder / f"{i:07d}_{when.isoformat()}.txt").write_text(text, encoding="utf-8")
    return {"articles": n, "body_words": words_total, "syndicated": syndicated}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1000, help="number of articles")
    parser.add_argument("--out", type=Path, required=True, help="output folder (an inbox)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--start", type=int, default=0, help="index of the first article (extend a corpus)")
    parser.add_argument("--samples", type=Path, default=SAMPLES)
    args = parser.parse_args(argv)
    stats = generate(args.n, args.out, args.seed, args.samples, args.start)
    print(f"articles={stats['articles']} body_words={stats['body_words']} "
          f"mean_body_words={stats['body_words'] // max(1, stats['articles'])} syndicated={stats['syndicated']} out={args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
