"""The task types, derived from the `payload` oneof of englog.v1.Task: the one place they are
listed. A task's type is the name of its payload field; its payload message is that field's
message type. The API's queue, its gRPC conversion and the worker all read them from here."""

from __future__ import annotations

from google.protobuf import message_factory
from google.protobuf.message import Message

from englog.v1 import tasks_pb2 as pb

_PAYLOAD = pb.Task.DESCRIPTOR.oneofs_by_name["payload"]

# task type -> payload message class, in field order
PAYLOADS: dict[str, type[Message]] = {
    f.name: message_factory.GetMessageClass(f.message_type) for f in _PAYLOAD.fields
}
TASK_TYPES: tuple[str, ...] = tuple(PAYLOADS)
