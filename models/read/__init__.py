"""Read-only views of a change: what it waits on, each role's progress at a gate, the
gate report, and the shapes lists, inboxes, timelines and audit logs are reported in."""
