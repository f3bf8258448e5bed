"""Peak memory while landing one large WARC: landing must stream, never hold the archive.

Builds a WARC of about N MB from generated pages (invented text with page
chrome, ~45 KB each, plus the request record a crawl stores beside each
response), then lands it in a child process exactly as a load does
(``land_inbox`` into a DuckDB file) and reports the child's peak RSS, the time
and the articles landed. Acceptance: a 1 GB WARC lands under 1 GB peak RSS.

    .venv/bin/python bench/warc_landing.py --size-mb 1024 [--gzip] [--work /tmp/warc_bench]
"""

from __future__ import annotations

import argparse
import io
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

WORDS = ["council", "mayor", "budget", "school", "river", "bridge", "harbour", "library", "museum", "ferry", "road", "market", "farmers", "weather", "storm", "police", "court", "hospital", "nurses", "teachers", "pupils", "station", "railway", "bus", "train", "festival", "concert", "theatre", "park", "residents", "officials", "report", "plan", "vote", "meeting", "week", "month", "year", "morning", "evening", "north", "south", "east", "west", "town", "city", "village", "county", "region", "new", "old", "small", "large", "first", "last", "local", "national", "public", "private", "said", "told", "added", "announced", "warned", "agreed", "opened", "closed", "raised", "cut", "built", "repaired", "planned", "approved", "rejected", "delayed"]

CHROME = (
    '<header><a href="/">Home</a><nav>' + "".join(f'<a href="/s{i}">Section {i}</a>' for i in range(30)) + "</nav></header>"
    "<script>" + "var tracking = {};" * 400 + "</script><style>" + ".c{margin:0}" * 400 + "</style>"
)
FOOTER = "<footer>" + "".join(f'<a href="/f{i}">Footer link {i}</a>' for i in range(60)) + "</footer>"


def _paragraph(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(40, 90))]
    words[0] = words[0].capitalize()
    return "<p>" + " ".join(words) + ".</p>"


def page(n: int, rng: random.Random) -> bytes:
    title = f"Story {n}: " + " ".join(rng.choice(WORDS) for _ in range(6))
    paragraphs = "".join(_paragraph(rng) for _ in range(rng.randint(40, 60)))
    html = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head><body>'
            f"{CHROME}<article><h1>{title}</h1>{paragraphs}</article>{FOOTER}</body></html>")
    return html.encode("utf-8")


def build_warc(path: Path, size_mb: int, gzip: bool) -> int:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    rng = random.Random(13)
    target = size_mb * 2**20
    pages = 0
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=gzip)
        while out.tell() < target:
            url = f"https://news.example.org/{pages}"
            req = StatusAndHeaders("GET / HTTP/1.1", [("Host", "news.example.org")], is_http_request=True)
            writer.write_record(writer.create_warc_record(url, "request", http_headers=req))
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(page(pages, rng)),
                                                          http_headers=headers))
            pages += 1
    return pages


CHILD = """
import sys, time, resource, duckdb
from pathlib import Path
from newswarehouse.loading.land import land_inbox
from newswarehouse.warehouse_schema import ensure_schema
con = duckdb.connect(sys.argv[2])
ensure_schema(con)
started = time.monotonic()
s = land_inbox(con, Path(sys.argv[1]), "bench", 5 * 2**20)
print("RESULT", s.articles_landed, s.files_rejected, sum(s.records_skipped.values()), round(time.monotonic() - started, 1),
      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mb", type=int, required=True)
    parser.add_argument("--gzip", action="store_true", help="write a .warc.gz (per-record gzip, as CC-NEWS)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/warc_landing_bench"))
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    inbox = args.work / "inbox"
    inbox.mkdir(parents=True)
    warc = inbox / ("crawl.warc.gz" if args.gzip else "crawl.warc")
    started = time.monotonic()
    pages = build_warc(warc, args.size_mb, args.gzip)
    size = warc.stat().st_size
    print(f"built {warc.name}: {size / 2**20:,.0f} MB, {pages:,} pages in {time.monotonic() - started:.0f} s")
    out = subprocess.run([sys.executable, "-c", CHILD, str(inbox), str(args.work / "land.duckdb")],
                         capture_output=True, text=True, check=True)
    landed, rejected, skipped, seconds, max_rss_kb = [ln for ln in out.stdout.splitlines() if ln.startswith("RESULT ")][-1].split()[1:]
    peak_mb = int(max_rss_kb) / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"landed {int(landed):,} articles ({int(rejected)} rejected, {int(skipped):,} records skipped) "
          f"in {float(seconds):.0f} s; peak RSS {peak_mb:,.0f} MB (children max {children:,.0f} MB)")
    verdict = "yes" if peak_mb < 1024 else "no"
    print(f"warc_mb={size / 2**20:.0f} pages={pages} landed={landed} seconds={seconds} "
          f"peak_rss_mb={peak_mb:.0f} under_1gb={verdict}")
    shutil.rmtree(args.work, ignore_errors=True)


if __name__ == "__main__":
    main()
