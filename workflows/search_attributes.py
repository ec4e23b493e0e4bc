"""Search attributes that make the Temporal UI and `temporal workflow list` useful.

They carry no personal data: stage, status, iteration and role names only.
"""

from temporalio.common import SearchAttributeKey

STAGE = SearchAttributeKey.for_keyword("ThroughlineStage")
STATUS = SearchAttributeKey.for_keyword("ThroughlineStatus")
WAITING_ON = SearchAttributeKey.for_keyword_list("ThroughlineWaitingOn")
ITERATION = SearchAttributeKey.for_int("ThroughlineIteration")

ALL = (STAGE, STATUS, WAITING_ON, ITERATION)
