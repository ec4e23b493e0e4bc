"""SQL repositories: the only place that writes queries."""
