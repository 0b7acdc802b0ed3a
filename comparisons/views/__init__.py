"""Reader-facing pages, one module per kind of page."""
