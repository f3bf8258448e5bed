"""Structured inputs: sniffing, and streaming readers of HTML, JSON (lines), WARC and gzip."""
