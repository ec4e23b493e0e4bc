"""Every `workflow.patched` id, in the order they were added, with what each changed.

A behaviour change to a workflow runs under a patch, so histories recorded before it
replay as they happened (tests/histories/). Never rename or reuse one.
"""

LOCAL_READS = "local-directory-and-calendar-reads"
"""Directory and calendar reads became local activities: the worker does them and records
only the answer. The projection stays an ordinary activity: `rebuild` needs its input."""

RECHECK_JUDGES_PEOPLE_READ = "recheck-judges-only-people-it-read"
"""The authority re-check at quorum judges only the people it read, not one who signed
while the directory was being read."""

WITHDRAW_REQUIRES_ROLE = "withdraw-requires-the-role"
"""Withdrawing needs the role one withdraws in."""

PROJECT_EVERY_RECEIPT = "project-every-receipt"
"""A receipt whose command's events another batch carried gets a projection of its own,
so every keyed answer reaches SQL before the run ends."""

CREATED_AT_START = "created-at-the-start-time"
"""A change's creation time is its workflow's start time, so a caller whose answer was
late can work the answer out from the history alone."""

HAND_HELD_GATES = "hand-held-gates-to-condition-owners"
"""A gate whose approvals are in but which a condition holds is handed to the
condition's owner."""

WAITING_ON_BY_ROLE = "search-attributes-name-every-role-waited-on"
"""ThroughlineWaitingOn names every role waited on, even one nobody can take."""

CLEAR_ATTRIBUTES_ON_CONTINUE = "clear-search-attributes-before-continue-as-new"
"""A run that continues as new clears its search attributes and is marked continued."""

SERVICE_LEVELS = "service-levels-reminders-and-escalation"
"""A change whose playbook has service levels fetches its working calendar, gives each
turn a due time, and keeps time: reminders, overdue marks, escalations, and a stuck
change escalated as soon as the directory says so."""

DELEGATION_REMINDERS = "delegation-expiry-reminders"
"""The directory wakes a day before each delegation ends, and records that its delegator
is to be told."""

ARCHIVE_CLOSED_RUNS = "archive-each-closed-run"
"""Just before a change's run returns or continues as new, it starts ArchiveRunWorkflow,
which archives the run's history once it has closed; then it settles again, since a
command may have arrived while the archiving started."""

ARCHIVE_DIRECTORY_RUNS = "archive-each-closed-directory-run"
"""Just before the directory continues as new, it starts ArchiveRunWorkflow for the run
that is ending, then settles again, as a change's runs do."""

ANSWER_BEFORE_PROJECTING = "answer-commands-before-projecting"
"""A command is answered as soon as the workflow has applied it; its events reach SQL in
the background, in order, and the run still settles every projection before it ends."""

PROJECT_LOCALLY = "project-in-a-local-activity"
"""The worker projects in a local activity, and the answer waits for it: no second
workflow task, no background projection. The history keeps what the activity returns,
the events and the state as a patch against the run's previous record."""
