"""moto_server for the event log (EventBridge rule -> CloudWatch Logs), with one fix.

moto 5.2.5 writes the log events an EventBridge rule delivers with a fractional millisecond
`timestamp` (its `unix_time_millis()` is a float); CloudWatch Logs has an integer, and the AWS
SDK for Rust refuses the FilterLogEvents answer. This rounds that one clock down, then runs
moto's own server entry point with the same arguments as moto_server.

Used by the integration tests (tests/util/moto.rs) and scripts/demo-why.
"""
import sys

import moto.events.models as events_models

_whole = events_models.unix_time_millis
events_models.unix_time_millis = lambda *args: int(_whole(*args))

from moto.server import main  # noqa: E402

sys.exit(main())
