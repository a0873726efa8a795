"""Using the catalogue: round-robin groups, their comparison tables (CSV, JSON, HTML) and what
changed between two versions of a release. Reads the catalogue; the text analysis itself is in
foicrawl.analysis."""
