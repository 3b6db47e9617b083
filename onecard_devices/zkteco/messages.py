"""Typed PUSH messages: what ``push.parse_request`` returns (plain dataclasses)."""

from dataclasses import dataclass, field


@dataclass
class LineError:
    line_no: int
    reason: str
    text: str


@dataclass
class Registration:
    sn: str
    options: str = ""
    pushver: str = ""
    language: str = ""
    query: dict = field(default_factory=dict)


@dataclass
class Ping:
    sn: str


@dataclass
class AttLogRecord:
    line_no: int
    pin: str
    time: object  # naive datetime, device local time
    status: int = 0
    verify: int = 0
    workcode: str = "0"
    extra: tuple = ()
    utc: object = None  # naive UTC datetime when the device time zone is known
    flag: str = ""  # "" or a LINE_REASONS entry (unknown_pin, time_in_past, ...)


@dataclass
class AttLogUpload:
    sn: str
    stamp: str = ""
    records: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    @property
    def accepted(self):
        """How many lines the device may drop (``OK: n``): parsed ones, flagged too."""
        return len(self.records)


@dataclass
class UserRecord:
    line_no: int
    pin: str
    name: str = ""
    card: str = ""
    pri: int = 0
    fields: dict = field(default_factory=dict)


@dataclass
class OpLogRecord:
    line_no: int
    op: int
    admin: str
    time: object
    objects: tuple = ()


@dataclass
class FpRecord:
    line_no: int
    pin: str
    fid: int
    size: int = 0
    valid: int = 1
    template: str = ""


@dataclass
class OperLogUpload:
    sn: str
    stamp: str = ""
    users: list = field(default_factory=list)
    oplogs: list = field(default_factory=list)
    fingerprints: list = field(default_factory=list)
    ignored: int = 0
    errors: list = field(default_factory=list)

    @property
    def accepted(self):
        return (
            len(self.users) + len(self.oplogs) + len(self.fingerprints) + self.ignored
        )


@dataclass
class OptionsUpload:
    sn: str
    options: dict = field(default_factory=dict)


@dataclass
class IgnoredUpload:
    sn: str
    table: str
    size: int = 0


@dataclass
class CommandPoll:
    sn: str
    info: dict = field(default_factory=dict)


@dataclass
class CommandResult:
    line_no: int
    id: str
    return_code: int
    cmd: str = ""
    fields: dict = field(default_factory=dict)


@dataclass
class CommandResults:
    sn: str
    results: list = field(default_factory=list)
    errors: list = field(default_factory=list)
