"""ChannelError keeps whether a failure is permanent, and its status, wherever it travels."""

from __future__ import annotations

import copy
import pickle

from throughline.channels.errors import ChannelError


def test_a_copied_or_pickled_error_is_still_permanent_with_its_status() -> None:
    error = ChannelError("the endpoint answered 410 Gone", permanent=True, status_code=410)
    for twin in (copy.deepcopy(error), pickle.loads(pickle.dumps(error))):
        assert isinstance(twin, ChannelError)
        assert (twin.message, twin.permanent, twin.status_code) == (error.message, True, 410)
        assert str(twin) == "the endpoint answered 410 Gone"
