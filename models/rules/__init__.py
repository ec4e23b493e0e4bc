"""Every check a command must pass, one module per command: pure functions that raise
a typed refusal. Workflow validators call them before a command enters history; the
transitions call them again, because the state may have moved on in between."""
