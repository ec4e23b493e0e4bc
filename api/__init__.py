"""The HTTP API: stateless; commands go to Temporal, reads come from SQL."""
