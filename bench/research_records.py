#!/usr/bin/env python3
"""Rows of research records for the benchmark's realistic-entropy database, as COPY text on stdout:
text bodies of words drawn from a 30,000-word vocabulary by Zipf's law (as words are in text), URLs,
JSON with counts, hashes and UUIDs. gzip -6 shrinks its dump about 3.4:1, as real records do.
Usage: research_records.py ROWS"""
import hashlib, json, random, sys, uuid
from itertools import accumulate

rows = int(sys.argv[1])
rng = random.Random(2026)
syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "de", "ga", "po", "li", "an", "er", "st", "th", "or", "is", "en", "ul", "ba", "co", "fi", "he"]
vocabulary = list({"".join(rng.choice(syllables) for _ in range(rng.randint(1, 4))) for _ in range(40000)})[:30000]
weights = list(accumulate(1 / (rank + 1) ** 1.28 for rank in range(len(vocabulary))))
langs = ["da", "en", "de", "sv", "no"]
out = sys.stdout
for g in range(1, rows + 1):
    words = rng.choices(vocabulary, cum_weights=weights, k=40 + g % 60)
    title = " ".join(rng.choices(vocabulary, cum_weights=weights, k=5))
    url = f"https://{rng.choice(vocabulary)}.example.org/{'/'.join(words[:2])}/{rng.getrandbits(40):x}?ref={rng.randint(0, 999999)}"
    meta = json.dumps({"lang": rng.choice(langs), "score": rng.randint(0, 9999), "shares": rng.randint(0, 499), "tags": [rng.randint(0, 2999), rng.randint(0, 2999)]})
    sha = hashlib.sha256(str(g).encode()).hexdigest()
    created = f"2026-01-{1 + g % 28:02d} {g % 24:02d}:{g % 60:02d}:{rng.randint(0, 59):02d}+00"
    out.write(f"{g}\t{uuid.UUID(int=rng.getrandbits(128))}\t{created}\t{url}\t{title}\t{' '.join(words)}\t{meta}\t{sha}\n")
