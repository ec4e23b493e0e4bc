"""Throughline's domain: pydantic types and the pure rules. No I/O happens here."""
