"""newswarehouse: scraped news articles in, an analyst-ready DuckDB warehouse out."""

__version__ = "0.1.0"
