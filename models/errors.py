"""One domain error hierarchy. Each class carries its HTTP status and a stable code.

The workflow turns these into ``ApplicationError(type=code)`` and the API turns the
code back into the class, so nothing ever matches on message text.
"""

from __future__ import annotations

from typing import ClassVar


class ThroughlineError(Exception):
    """A refusal or failure that the caller can act on."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Unauthenticated(ThroughlineError):
    status = 401
    code = "unauthenticated"


class NotPermitted(ThroughlineError):
    status = 403
    code = "not_permitted"


class NotEligible(NotPermitted):
    code = "not_eligible"


class SeparationOfDuties(NotPermitted):
    code = "separation_of_duties"


class OneRolePerGate(NotPermitted):
    code = "one_role_per_gate"


class CrossStageSeparation(SeparationOfDuties):
    code = "cross_stage_separation"


class ProposerSeparation(SeparationOfDuties):
    code = "proposer_separation"


class DelegationNotActive(NotEligible):
    code = "delegation_not_active"


class DelegationNotAllowed(NotPermitted):
    code = "delegation_not_allowed"


class NotConditionOwner(NotPermitted):
    code = "not_condition_owner"


class SelfGrant(NotPermitted):
    code = "self_grant"


class NotFound(ThroughlineError):
    status = 404
    code = "not_found"


class ChangeNotFound(NotFound):
    code = "change_not_found"


class PersonNotFound(NotFound):
    code = "person_not_found"


class ConditionNotFound(NotFound):
    code = "condition_not_found"


class DelegationNotFound(NotFound):
    code = "delegation_not_found"


class GateNotFound(NotFound):
    code = "gate_not_found"


class WebhookNotFound(NotFound):
    code = "webhook_not_found"


class DeliveryNotFound(NotFound):
    code = "delivery_not_found"


class SourceNotFound(NotFound):
    code = "source_not_found"


class Conflict(ThroughlineError):
    status = 409
    code = "conflict"


class ChangeClosed(Conflict):
    code = "change_closed"


class GateClosed(Conflict):
    code = "gate_closed"


class GateNotInReview(Conflict):
    code = "gate_not_in_review"


class RevisionSuperseded(Conflict):
    code = "revision_superseded"


class AlreadySigned(Conflict):
    code = "already_signed"


class WrongStage(Conflict):
    code = "wrong_stage"


class MeasurementsMissing(Conflict):
    code = "measurements_missing"


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"


class AlreadyExists(Conflict):
    code = "already_exists"


class LastAdmin(Conflict):
    code = "last_admin"


class ConditionsOpen(Conflict):
    code = "conditions_open"


class ConditionClosed(Conflict):
    code = "condition_closed"


class NothingToChallenge(Conflict):
    code = "nothing_to_challenge"


class ChallengeWindowClosed(Conflict):
    code = "challenge_window_closed"


class ChallengeAlreadyFiled(Conflict):
    code = "challenge_already_filed"


class NoPendingChallenge(Conflict):
    code = "no_pending_challenge"


class GroundNotPrepared(Conflict):
    code = "ground_not_prepared"


class AreasNotReady(Conflict):
    code = "areas_not_ready"


class ObservationTooShort(Conflict):
    code = "observation_too_short"


class WrongGateKind(Conflict):
    code = "wrong_gate_kind"


class ChangeTooLarge(ThroughlineError):
    status = 413
    code = "change_too_large"


class InvalidRequest(ThroughlineError):
    status = 422
    code = "invalid_request"


class ChannelUnavailable(InvalidRequest):
    code = "channel_unavailable"


class CommentRequired(InvalidRequest):
    code = "comment_required"


class RejectTargetNotAllowed(InvalidRequest):
    code = "reject_target_not_allowed"


class RoleNotRequired(InvalidRequest):
    code = "role_not_required"


class UnknownRevision(InvalidRequest):
    code = "unknown_revision"


class UnknownMeasure(InvalidRequest):
    code = "unknown_measure"


class UnknownPlaybook(InvalidRequest):
    code = "unknown_playbook"


class BundleTooLarge(InvalidRequest):
    code = "bundle_too_large"


class InvalidPlaybook(InvalidRequest):
    """A playbook document the playbook model refuses; the message lists every problem."""

    code = "invalid_playbook"


class UnreadablePlaybook(ThroughlineError):
    """A playbook document that is not YAML or JSON at all, or not a mapping of fields."""

    status = 400
    code = "unreadable_playbook"


class PlaybookNotFound(NotFound):
    code = "playbook_not_found"


class PlaybookVersionExists(Conflict):
    """Versions are immutable: the same name and version with other content is refused."""

    code = "playbook_version_exists"


class PlaybookVersionNotNewer(Conflict):
    code = "playbook_version_not_newer"


class ConditionsRequired(InvalidRequest):
    code = "conditions_required"


class RatingsIncomplete(InvalidRequest):
    code = "ratings_incomplete"


class UnsupportedMediaType(ThroughlineError):
    status = 415
    code = "unsupported_media_type"


class TooBusy(ThroughlineError):
    status = 429
    code = "too_busy"


class Unavailable(ThroughlineError):
    status = 503
    code = "unavailable"


def all_subclasses(cls: type[ThroughlineError]) -> list[type[ThroughlineError]]:
    """Every error class below this one, however deep, among the modules imported."""
    found: list[type[ThroughlineError]] = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(all_subclasses(sub))
    return found


def error_class_for(code: str) -> type[ThroughlineError]:
    """The error class for a stable code; unknown codes fall back to the base class."""
    classes: list[type[ThroughlineError]] = [ThroughlineError, *all_subclasses(ThroughlineError)]
    by_code = {cls.code: cls for cls in classes}
    return by_code.get(code, ThroughlineError)
