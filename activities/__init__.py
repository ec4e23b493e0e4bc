"""Every side effect the workflow needs, as activities."""
