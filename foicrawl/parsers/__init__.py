"""Pure extraction: a saved page in, records out. One module per platform."""
