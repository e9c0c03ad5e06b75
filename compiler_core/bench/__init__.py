"""`make bench`: the benchmark suite (models built locally with torch, nothing downloaded)."""
