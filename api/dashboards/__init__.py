"""Regional dashboards: statistics across municipalities, coverage, open data export."""
