"""The application shell: settings, database, Temporal client, command line, embedded stack."""
