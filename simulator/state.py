"""Everything the fake terminal remembers, with factory defaults.

The app-params tree is the document's (section 2.3.1) merged with the newer fields the vendor's
test tool sends (``auth``, ``ntp``, ``record``, ``language``, ``face.hat``, ``face.card``...).
"""

from __future__ import annotations

from collections import deque
import copy
from dataclasses import dataclass, field
import random
from typing import Any

from .clock import Clock
from .images import b64, picture, portrait

PROTOCOL_VERSION = "0.42"
DEFAULT_SERIAL = "0123E4-FB5BFC-9186EE"
DEFAULT_CAPACITY = 10000
MAX_IMAGE_BYTES = 10 * 1024 * 1024
# `play audio stream` (2.12.2) gives no limits: a clip is held in memory whole, so 1 MiB (32 s
# of 16 kHz 16-bit mono); the format is the one the terminal's speaker plays, nothing converted.
MAX_AUDIO_BYTES = 1024 * 1024
AUDIO_SAMPLE_RATES = (16000,)
SCREENSAVER_DIR = "/data_fs/screensaver"
DEMO_NAMES = (
    "Alice",
    "Bob",
    "Carol",
    "Dave",
    "Eve",
    "Frank",
    "Grace",
    "Heidi",
    "Ivan",
    "Judy",
    "Mallory",
    "Niaj",
    "Olivia",
    "Peggy",
    "Rupert",
    "Sybil",
    "Trent",
    "Uma",
    "Victor",
    "Walter",
)

FIRMWARE: dict[str, str] = {
    "system": "FaceGate",
    "appversion": "0.42.3",
    "algversion": "HV6.0",
    "platform": "HI3516DV300",
    "sensor": "IMX327",
    "board": "FSAN_02",
    "motor": "RSA",
    "lcd": "LCD_WY_720_1280",
    "timestamp": "2021-06-01 10:00:00",
}


def default_app_params() -> dict[str, Any]:
    """Return a fresh copy of the factory app params."""
    return {
        "device_info": {"device_no": "", "addr_no": "", "addr_name": "Entrance"},
        "extranet": {
            "enable": False,
            "mode": "http",
            "server_ip": "",
            "server_domain": "",
            "server_port": 0,
            "url": "",
        },
        "upload_info": {
            "method": "none",
            "server_ip": "",
            "server_domain": "",
            "server_port": 0,
            "service_url": "",
            "user": "",
            "password": "",
            "pattern": "/",
        },
        "face": {
            "min_face_size": 120,
            "name_privacy": False,
            "enable_match": True,
            "match_score": 80,
            "enable_dereplication": True,
            "derep_timeout": 3,
            "audio_flip_interval": 5,
            "pic_form": "both",
            "enable_output_reg": True,
            "enable_output_feature": False,
            "enable_age": False,
            "enable_sex": False,
            "enable_alive": False,
            "alive_level": 1,
            "body_temperature": {
                "enable": True,
                "limit": 37.3,
                "outdoor": False,
                "multi_frame_confir": False,
                "range_min": 35.0,
                "range_max": 42.0,
                "correction_value": 0.0,
                "fahrenheit_unit": False,
                "fast_mode": False,
            },
            "mask": {
                "enable": True,
                "must_wear_mask": False,
                "no_mask_alarm": False,
                "mask_match_enable": True,
            },
            "hat": {"enable": False, "must_wear_hat": False},
            "card": {
                "managerCardEnable": False,
                "managerCardExpires": 5,
                "managerCardID": 0,
                "managerCardID_temp": 0,
                "manager_card_id": 0,
                "manager_card_id_temp": 0,
                "regist_user_by_card": False,
                "regist_user_valid_period": 1,
                "tempUserDuration": 60,
                "temp_user_duration": 3600,
            },
            "enable_mask_inspect": False,
            "enable_same_face_reg": False,
            "enable_temperatur": True,
            "match_mode": "normal",
            "must_mask": False,
            "quality": 70,
            "qvalue_threshold": 75,
            "temp_outdoor_mode": False,
            "temperature_limit": 37.3,
            "valid_angle": 36,
            "valid_angle_enable": True,
            "valid_qvalue_enable": False,
            "work_mode": "offline",
        },
        "gate_control": {
            "output_mode": "gpio",
            "gate_mode": 1,
            "match_mode": 1,
            "gpio_state": 0,
            "gpio_retention_time": 1000,
            "gpio_linked": False,
            "wg_linked": False,
            "wg_protocol": "wg26",
            "wg_id_public": 8888,
            "wg_create_id_begin": 1111,
            "wg_create_id_end": 9999999,
        },
        "led_control": {"led_mode": 2, "led_brightness": 80, "led_sensitivity": "mid"},
        "lcd_control": {"lcd_title": "Face Recognition", "lcd_display_item": 7, "led_mirror": True},
        "qr_code_control": {"enable": True, "repeat_interval": 10},
        "name_list": {"auto_clean": False},
        "remote_upgrader": {"enable": False, "server_ip": "", "server_port": 0, "server_uri": ""},
        "auth": {"enable": False, "username": "admin", "password": "admin"},
        "ntp": {"enable": False, "server_domain": "ntp1.aliyun.com", "update_cycle": 60},
        "record": {"resume_enable": True, "save_enable": True, "save_path": "EMMC"},
        "language": 0,
    }


def default_stream_params() -> dict[str, Any]:
    """Return a fresh copy of the factory stream (camera) params."""
    return {
        "image": {
            "max_exposure": 4000,
            "max_gain": 20,
            "contrast": 60,
            "saturation": 110,
            "brightness": 46,
        },
        "video": {"bitrate": 2048},
    }


def default_hardware(has_4g: bool) -> dict[str, Any]:
    """Return the hardware description (``get hardware info``)."""
    return {
        "Board": {"manu": "FSAN", "model": FIRMWARE["board"]},
        "Chip": {"manu": "HISI", "model": FIRMWARE["platform"]},
        "Flash": {"manu": "", "model": "", "size": 0},
        "FourG": {"moduler_4g": "YES" if has_4g else "NO"},
        "Lcd": {
            "manu": "",
            "model": FIRMWARE["lcd"],
            "support": [FIRMWARE["lcd"], "LCD_WY_720_576", "LCD_WY_1280x800", "LCD_WY_1024x600"],
        },
        "Motor": {"manu": "", "model": "", "type": FIRMWARE["motor"]},
        "Sensor": {"manu": "SONY", "model": FIRMWARE["sensor"]},
        "WIFI": {"manu": "", "model": ""},
    }


def default_audio_list() -> list[dict[str, Any]]:
    """Return the built-in audio files (``browse audio list``)."""
    names = (
        "pass.wav",
        "welcome.wav",
        "stranger.wav",
        "denied.wav",
        "no_mask.wav",
        "high_temp.wav",
    )
    return [{"audio_no": no, "audio_name": f"NO{no}.{name}"} for no, name in enumerate(names)]


def media_path(sequence: int, name: str) -> str:
    """Return the file-system path of a screensaver media entry."""
    return f"{SCREENSAVER_DIR}/NO{sequence}.{name}"


@dataclass
class Upload:
    """A file being uploaded in chunks (``upload file``)."""

    total_size: int
    data: bytearray = field(default_factory=bytearray)


@dataclass
class DeviceState:
    """The terminal's memory: persons, records, params, files and what it was told to do."""

    serial: str = DEFAULT_SERIAL
    ip: str = "127.0.0.1"
    mac: str = "48:0b:b2:5a:19:6e"
    capacity: int = DEFAULT_CAPACITY
    max_image_bytes: int = MAX_IMAGE_BYTES
    max_audio_bytes: int = MAX_AUDIO_BYTES
    audio_sample_rates: tuple[int, ...] = AUDIO_SAMPLE_RATES
    gpio_ports: int = 2
    seed: int = 0
    clock: Clock = field(default_factory=Clock)
    persons: dict[str, dict[str, Any]] = field(default_factory=dict)
    records: list[dict[str, Any]] = field(default_factory=list)
    app_params: dict[str, Any] = field(default_factory=default_app_params)
    stream_params: dict[str, Any] = field(default_factory=default_stream_params)
    schedules: list[dict[str, Any]] = field(default_factory=list)
    volume: int = 60
    hardware: dict[str, Any] = field(default_factory=lambda: default_hardware(False))
    files: dict[str, bytes] = field(default_factory=dict)
    uploads: dict[str, Upload] = field(default_factory=dict)
    screensaver_mode: str = "none"
    screensaver_media: list[dict[str, Any]] = field(default_factory=list)
    audio_list: list[dict[str, Any]] = field(default_factory=default_audio_list)
    aes_enabled: bool = False
    aes_key: bytes = b"12345"
    sip: dict[str, Any] = field(default_factory=lambda: {"registered": False, "in_call": False})
    customer_auth_code: str = "AAECAwQFBgcICQoLDA0ODw=="
    customer_auth_code_writable: bool = False
    unsupported: frozenset[str] = frozenset()
    forced: dict[str, deque[tuple[int, str | None]]] = field(default_factory=dict)
    log: list[dict[str, Any]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    next_record_sequence: int = 1
    rng: random.Random = field(default_factory=random.Random)

    def __post_init__(self) -> None:
        """Seed the random source and lay out the preloaded screensaver media."""
        self.rng.seed(self.seed)
        for sequence, name in ((1, "news1.png"), (2, "news2.png")):
            path = media_path(sequence, name)
            self.files[path] = picture(64, 48, self.rng)
            self.screensaver_media.append({"sequence": sequence, "media_name": name, "path": path})

    @property
    def has_4g(self) -> bool:
        """Return True when the hardware info says a 4G module is fitted."""
        return bool(self.hardware["FourG"]["moduler_4g"] == "YES")

    @property
    def auth(self) -> dict[str, Any]:
        """Return the HTTP Basic auth settings (part of the app params)."""
        auth: dict[str, Any] = self.app_params["auth"]
        return auth

    def add_log(self, kind: str, **fields: Any) -> dict[str, Any]:
        """Append an entry to the action log and return it."""
        entry = {"kind": kind, **fields}
        self.log.append(entry)
        return entry

    def new_person(self, person_id: str, **fields: Any) -> dict[str, Any]:
        """Return a person record with the document's defaults for fields not given."""
        person: dict[str, Any] = {
            "id": person_id,
            "name": "",
            "role": 1,
            "kind": 0,
            "term_start": "useless",
            "term": "forever",
            "customer_text": "",
            "image": None,
            "image_format": None,
            "norm_image": False,
        }
        person.update(fields)
        return person

    def add_demo_person(
        self, person_id: str | None = None, name: str | None = None, *, photo: bool = False
    ) -> dict[str, Any]:
        """Register a demo person (id ``demo-N``, a first name), with a drawn portrait if ``photo``."""
        index = len(self.persons)
        if person_id is None:
            person_id = f"demo-{index + 1}"
            while person_id in self.persons:
                index += 1
                person_id = f"demo-{index + 1}"
        if name is None:
            base = DEMO_NAMES[index % len(DEMO_NAMES)]
            name = base if index < len(DEMO_NAMES) else f"{base} {index // len(DEMO_NAMES) + 1}"
        fields: dict[str, Any] = {"name": name}
        if photo:
            fields.update(image=b64(portrait(240, self.rng)), image_format="jpg")
        person = self.new_person(person_id, **fields)
        self.persons[person_id] = person
        return person

    def reset_app_params(self) -> None:
        """Restore factory app params, keeping the HTTP auth credentials (see README)."""
        auth = copy.deepcopy(self.auth)
        self.app_params = default_app_params()
        self.app_params["auth"] = auth
