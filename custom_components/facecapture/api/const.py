"""Protocol constants: the port, command names, the version each command is sent with, limits."""

from __future__ import annotations

from enum import IntEnum, IntFlag, StrEnum
from typing import Final

DEFAULT_PORT: Final = 8000
DEFAULT_TIMEOUT: Final = 10.0

MAX_ID_BYTES: Final = 19
# Names: `upload person` (2.1.2) stores 63 bytes; the older `add person`, `update person`,
# `add person jpg` and `update person jpg` (2.1.3, 2.1.4, 2.1.6, 2.1.7) only 15.
MAX_NAME_BYTES: Final = 63
MAX_SHORT_NAME_BYTES: Final = 15
MAX_CUSTOMER_TEXT_BYTES: Final = 67
MAX_TTS_BYTES: Final = 64
AUDIO_SAMPLE_RATE: Final = 16000
"""The rate of the WAV sent with `play audio stream`: 2.12.2 names none; 16-bit PCM mono at 16 kHz."""
MAX_AUDIO_BYTES: Final = 1024 * 1024
"""The biggest WAV sent in one `play audio stream` (2.12.2 names no limit): 32 s at 16 kHz."""
MAX_PAGE_SIZE: Final = 20
MAX_SCHEDULE_KINDS: Final = 15
MAX_DOWNLOAD_CHUNK: Final = 10240
MAX_UPLOAD_CHUNK: Final = 200 * 1024
MAX_SERVICE_URL_LENGTH: Final = 101

DEVICE_TIME_FORMAT: Final = "%Y/%m/%d %H:%M:%S"


class Command(StrEnum):
    """Every command of the vendor document (sections 2.1 to 2.18), plus `get version`."""

    REQUEST_PERSONS = "request persons"
    UPLOAD_PERSON = "upload person"
    ADD_PERSON = "add person"
    ADD_PERSON_JPG = "add person jpg"
    UPDATE_PERSON = "update person"
    UPDATE_PERSON_JPG = "update person jpg"
    DELETE_PERSONS = "delete person(s)"
    REQUEST_RECORDS = "request records"
    REQUEST_APP_PARAMS = "request app params"
    UPDATE_APP_PARAMS = "update app params"
    RESET_APP_PARAMS = "reset app params"
    REQUEST_STREAM_PARAMS = "request stream params"
    UPDATE_STREAM_PARAMS = "update stream params"
    RESET_STREAM_PARAMS = "reset stream params"
    REQUEST_SCHEDULE_PARAMS = "request schedule params"
    UPDATE_SCHEDULE_PARAMS = "update schedule params"
    ADD_SCHEDULE_KIND = "add schedule kind"
    SNAPSHOT = "snapshot"
    GPIO_CONTROL = "gpio control"
    GPIO_CONTROL_EXTEND = "gpio control Extend"
    WIEGAND_CONTROL = "wiegand control"
    HEART_BEAT = "heart beat"
    REQUEST_CUSTOMER_AUTH_CODE = "request customer auth code"
    UPDATE_CUSTOMER_AUTH_CODE = "update customer auth code"
    REQUEST_DATE_TIME = "request date time"
    UPDATE_DATE_TIME = "update date time"
    REBOOT = "reboot"
    RESTART_APPLICATION = "restart application"
    REQUEST_LCD_SCREENSAVER = "request lcd screensaver"
    UPDATE_LCD_SCREENSAVER = "update lcd screensaver"
    REQUEST_LCD_MEDIA = "request lcd media"
    UPDATE_LCD_MEDIA = "update lcd media"
    DELETE_LCD_MEDIA = "delete lcd media"
    TEXT_DISPLAY = "text display"
    IMAGE_DISPLAY = "image display"
    ASK_UPGRADE = "ask_upgrade"
    TTS_PLAY = "tts play"
    PLAY_AUDIO_STREAM = "play audio stream"
    BROWSE_AUDIO_LIST = "browse audio list"
    PLAY_AUDIO = "play audio"
    GET_HARDWARE_INFO = "get hardware info"
    SET_HARDWARE_INFO = "set hardware info"
    DOWNLOAD_FILE = "download file"
    UPLOAD_FILE = "upload file"
    UPDATE_AES = "updata aes"  # sic: the document's spelling is the wire format
    REQUEST_AES = "request aes"
    SIP_REGISTER = "sip register"
    SIP_CALL = "sip call"
    SIP_HANGUP = "sip hangup"
    REQUEST_4G_INFO = "request 4g infor"  # sic
    TRAFFIC_STATISTICS = "traffic statistics"
    CAMERA_VOLUME = "camera volume"
    GET_VERSION = "get version"
    GET_NETWORK = "get network"  # the vendor tool's; not in the document
    # Pushed by the terminal, never requested.
    FACE = "face"
    SIP_EVENT = "sip event"


# The version each request carries: the one its section of the document shows.
COMMAND_VERSIONS: Final[dict[str, str]] = {
    Command.REQUEST_RECORDS: "0.29",
    Command.UPDATE_SCHEDULE_PARAMS: "0.21",
    Command.ADD_SCHEDULE_KIND: "0.21",
    Command.UPDATE_AES: "0.21",
    Command.REQUEST_AES: "0.21",
    Command.SIP_REGISTER: "0.21",
    Command.SIP_CALL: "0.21",
    Command.SIP_HANGUP: "0.21",
    Command.REQUEST_4G_INFO: "0.21",
    Command.TRAFFIC_STATISTICS: "0.21",
    Command.CAMERA_VOLUME: "0.21",
}
DEFAULT_REQUEST_VERSION: Final = "0.2"


class Role(IntEnum):
    """Person roles (section 1.2.2)."""

    ALL = -1
    ORDINARY = 0
    WHITELIST = 1
    BLACKLIST = 2


class UploadMode(IntEnum):
    """`upload person` modes: add or modify, add only (21 if it exists), modify only (22 if not)."""

    AUTO = 0
    ADD = 1
    MODIFY = 2


class DeleteScope(IntEnum):
    """`delete person(s)` flags."""

    BY_ID = -1
    ORDINARY = 0
    WHITELIST = 1
    BLACKLIST = 2
    ALL = 3


class PersonUpdateFlag(IntFlag):
    """`update_flags` bits (section 1.5, enum ParsonDataFlags)."""

    NAME = 0x1
    ROLE = 0x1 << 1
    WIEGAND = 0x1 << 2
    TERM = 0x1 << 3
    TERM_START = 0x1 << 4
    SCHEDULE = 0x1 << 5
    CUSTOMER_TEXT = 0x1 << 6
    NORM_IMAGE = 0x1 << 7
    REG_IMAGES = 0x1 << 8


class LcdDisplayItem(IntFlag):
    """`lcd_display_item` bits (section 1.5, enum LcdDisplayItem)."""

    TITLE = 0x1
    TIME = 0x1 << 1
    IP = 0x1 << 2
    REGISTERED_COUNT = 0x1 << 3
    SERIAL = 0x1 << 4
    WIEGAND = 0x1 << 5
    FOUR_G = 0x1 << 6
    MEASURED_COUNT = 0x1 << 7


class ControlMode(StrEnum):
    """`ctrl_mode` of gate and Wiegand output: no record, forced output, or as the device decides."""

    TEST = "test"
    FORCE = "force"
    SCENE = "scene"


class ScreensaverMode(StrEnum):
    """`screensaver_mode` values."""

    NONE = "none"
    EXTINGUISH = "extinguish"
    MEDIA = "media"


class TextEncoding(StrEnum):
    """`coding_type` of `text display`."""

    UTF8 = "utf8"
    GB2312 = "gb2312"
