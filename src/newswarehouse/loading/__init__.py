"""Landing: files in the inbox -> rows in raw.articles or raw.rejected_files."""
