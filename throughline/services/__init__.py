"""The one service layer: what API routes, CLI commands and pages call.

One call per handler. Services own transactions and idempotency; the store below them
holds SQL only, and nothing above them holds rules.
"""
