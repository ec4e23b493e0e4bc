"""Every change a command makes to a change's state, one module per command: each checks
its rules, changes the state and returns the audit events it wrote."""
