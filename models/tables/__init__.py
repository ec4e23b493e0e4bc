"""SQLModel tables: the directory, the read model of changes, and the audit logs.

Timestamps are stored in UTC and always come back timezone-aware, whichever database.
Every table but the sign-in ones is a projection of a workflow's events; the store
writes them all, nothing else.
"""

from models.tables.analytics import CycleFact, HandoffFact
from models.tables.archive import HistoryArchiveRow
from models.tables.audit import AuditEventRow, CommandReceiptRow
from models.tables.changes import (
    ChangePerson,
    ChangeRow,
    ChangeWaiting,
    ConditionRow,
    GateRow,
    HandoffRow,
    MeasurementRow,
    SignOffRow,
    SubmissionRow,
)
from models.tables.columns import UTCDateTime
from models.tables.directory import (
    DelegationRow,
    DirectoryEventRow,
    DirectoryLogRow,
    Person,
    RoleGrant,
    TokenRevocationRow,
)
from models.tables.live_data import MeasurePointRow, MeasureSourceRow
from models.tables.notifications import (
    DeliveryAttemptRow,
    NotificationPreference,
    NotificationRow,
    WebhookSubscription,
)
from models.tables.playbooks import PlaybookVersionRow
from models.tables.refusals import RefusalRow
from models.tables.sign_in import EndedPageSession, SignInLink

__all__ = [
    "AuditEventRow",
    "ChangePerson",
    "ChangeRow",
    "ChangeWaiting",
    "CommandReceiptRow",
    "ConditionRow",
    "CycleFact",
    "DelegationRow",
    "DeliveryAttemptRow",
    "DirectoryEventRow",
    "DirectoryLogRow",
    "EndedPageSession",
    "GateRow",
    "HandoffFact",
    "HandoffRow",
    "HistoryArchiveRow",
    "MeasurePointRow",
    "MeasureSourceRow",
    "MeasurementRow",
    "NotificationPreference",
    "NotificationRow",
    "Person",
    "PlaybookVersionRow",
    "RefusalRow",
    "RoleGrant",
    "SignInLink",
    "SignOffRow",
    "SubmissionRow",
    "TokenRevocationRow",
    "UTCDateTime",
    "WebhookSubscription",
]
