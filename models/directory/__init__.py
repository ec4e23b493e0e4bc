"""The directory: people, the roles they hold, delegations and token revocations, as a
chained log of events. Pure rules and transitions; the workflow drives them."""
