"""No request body, however wrong its field types, may crash a handler: it gets a reply code."""

from __future__ import annotations

import base64
import copy
from typing import Any

import pytest

from simulator import COMMANDS
from simulator.handlers import CODE_DESC, dispatch
from simulator.state import DeviceState

from .sim_helpers import jpeg_b64, wav_bytes

_SECTION = {"start": {"hour": 8, "minute": 0}, "end": {"hour": 18, "minute": 0}}
_TEXT = {
    "position": {"x": 0, "y": 500},
    "alive_time": 1000,
    "font_size": 100,
    "font_spacing": 1,
    "font_color": "0xffffffff",
    "text": "Hello",
}
SAMPLES: dict[str, dict[str, Any]] = {
    "request persons": {"role": -1, "page_no": 1, "page_size": 10, "feature_flag": 0, "image_flag": 1, "query_mode": 1,
                        "condition": {"person_id": "0", "person_name": "x", "term_start_start": "2017/01/01 00:00:00",
                                      "term_start_end": "2020/01/01 00:00:00", "term_start": "forever", "term ": "forever"}},
    "upload person": {"id": "0001", "name": "n", "role": 1, "kind": 0, "reg_image": jpeg_b64(), "wg_card_id": 8,
                      "long_card_id": 9, "term_start": "useless", "term": "forever", "customer_text": "",
                      "upload_mode": 0, "normal_image": "AAAA", "thumb_image": jpeg_b64()},
    "add person": {"id": "0001", "name": "n", "role": 1, "cover": True, "kind": 0, "feature_unit_size": 0,
                   "feature_num": 0, "feature_data": [], "image_num": 1,
                   "reg_images": [{"format": "jpg", "image_data": jpeg_b64()}], "norm_image_num": 1,
                   "norm_images": [{"width": 150, "height": 150, "image_data": "AAAA"}], "wg_card_id": 8,
                   "long_card_id": 9, "term_start": "useless", "term": "forever", "customer_text": ""},
    "add person jpg": {"id": "0001", "name": "n", "role": 1, "kind": 0, "cover": True, "image_num": 1,
                       "reg_images": [{"format": "jpg", "image_data": jpeg_b64()}], "wg_card_id": 8,
                       "long_card_id": 9, "term_start": "useless", "term": "forever", "customer_text": ""},
    "update person": {"id": "0001", "update_flags": 511, "name": "n", "role": 1, "kind": 0, "wg_card_id": 1,
                      "term": "never", "term_start": "useless", "customer_text": "x",
                      "reg_images": [{"format": "jpg", "image_data": jpeg_b64()}],
                      "norm_images": [{"image_data": "AAAA"}]},
    "update person jpg": {"id": "0001", "update_flags": 3, "name": "n", "role": 1,
                          "reg_images": [{"format": "jpg", "image_data": jpeg_b64()}]},
    "delete person(s)": {"flag": -1, "id": "0001"},
    "request records": {"page_no": 1, "page_size": 20, "face_image_flag": 1, "reg_image_flag": 1,
                        "time_start": 0, "time_end": 2**31, "score_start": 0, "score_end": 100,
                        "upload_state": 0, "fuzzy_flag": 1, "id": "0", "name": "n"},
    "update app params": {"face": {"match_score": 80, "mask": {"enable": True}}, "upload_info": {"method": "none"},
                          "auth": {"enable": False}},
    "update stream params": {"image": {"brightness": 50}, "video": {"bitrate": 2048}},
    "update schedule params": {"kinds": [{"name": "r", "kind": 1, "mode": "daily", "days": [{"sections": [_SECTION]}]}]},
    "add schedule kind": {"kinds": [{"name": "r", "kind": 2, "mode": "daily", "days": [{"sections": [_SECTION]}]}]},
    "gpio control": {"port": 1, "ctrl_type": "on", "ctrl_mode": "force", "person_id": "0001"},
    "gpio control Extend": {"port": 1, "ctrl_type": "on", "ctrl_mode": "force", "person_id": "0001", "voicePlay": "x"},
    "wiegand control": {"wiegand_card_no": 0, "long_card_id": 5, "ctrl_mode": "force", "person_id": "0001"},
    "update customer auth code": {"customer_auth_code": "AAA="},
    "update date time": {"date_time": "2018/11/23 16:00:00", "timezone": "UTC+8", "12hour_time": False, "auto_dst": False},
    "update lcd screensaver": {"screensaver_mode": "media"},
    "update lcd media": {"screensaver_media_list": [{"sequence": 3, "media_name": "a.png"}]},
    "delete lcd media": {"screensaver_media_list": [{"sequence": 2, "media_name": "news2.png"}]},
    "text display": {"coding_type": "utf8", "text_list": [_TEXT]},
    "image display": {"position": {"x": 0, "y": 0}, "alive_time": 0, "format": "jpg", "image_data": jpeg_b64()},
    "tts play": {"text": "hi"},
    "play audio stream": {"audio": {"format": "wav", "data": base64.b64encode(wav_bytes()).decode()}},
    "play audio": {"audio_no": 0, "audio_name": "NO0.pass.wav"},
    "set hardware info": {"Lcd": {"manu": "", "model": "LCD_WY_720_576"}, "FourG": {"moduler_4g": "NO"}},
    "download file": {"path": "/data_fs/screensaver/NO1.news1.png", "offset": 0, "size": 100},
    "upload file": {"path": "/data_fs/a", "total_size": 3, "offset": 0, "size": 3, "data": "YWJj",
                    "md5sum": "900150983cd24fb0d6963f7d28e17f72"},
    "updata aes": {"ori_key": "MTIzNDU=", "enable": True, "new_key": "MTIzNDU="},
    "sip register": {"domain": "192.168.0.12", "port": 7121, "username": "0123", "password": "1"},
    "sip call": {"url": "sip:someone@192.168.0.188:5060"},
    "traffic statistics": {"month": 6, "day": "1-9"},
    "camera volume": {"method": "SET", "volume": 50},
    "ask_upgrade": {"device_sn": "x", "device_no": "1", "last_upgrade_code": 0, "firmware": {}},
    "heart beat": {"ip": "192.168.1.88", "device_sn": "", "device_no": "", "addr_no": "", "addr_name": "",
                   "gps": {"n": "", "e": "", "strength": 0}},
}  # fmt: skip
WRONG_VALUES: list[Any] = [None, "", "x", 0, -1, 2**70, 1.5, True, [], {}, [1], {"a": 1}, ["x", {}]]


def _mutations(body: dict[str, Any]) -> list[dict[str, Any]]:
    """Every body obtained by deleting or retyping one field, at any depth."""
    out: list[dict[str, Any]] = []

    def walk(path: list[Any], node: Any) -> None:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        for key in keys:
            for value in [*WRONG_VALUES, "delete"]:
                mutated = copy.deepcopy(body)
                target = mutated
                for step in path:
                    target = target[step]
                if value == "delete":
                    del target[key]
                else:
                    target[key] = value
                out.append(mutated)
            child = node[key]
            if isinstance(child, (dict, list)) and child:
                walk([*path, key], child)

    walk([], body)
    return out


def test_samples_cover_every_command_with_fields() -> None:
    without_fields = {cmd for cmd in COMMANDS if cmd not in SAMPLES}
    assert without_fields == {
        "request app params", "reset app params", "request stream params", "reset stream params",
        "request schedule params", "snapshot", "request customer auth code",
        "request date time", "reboot", "restart application", "request lcd screensaver",
        "request lcd media", "get version", "browse audio list", "get hardware info",
        "request aes", "sip hangup", "request 4g infor", "get network",
    }  # fmt: skip


@pytest.mark.parametrize("cmd", sorted(SAMPLES))
def test_sample_body_is_accepted(cmd: str) -> None:
    state = DeviceState()
    state.persons["0001"] = state.new_person("0001")
    state.sip["registered"] = True
    state.customer_auth_code_writable = True
    outcome = dispatch(state, {"cmd": cmd, **SAMPLES[cmd]})
    assert outcome.reply["code"] == 0, outcome.reply


@pytest.mark.parametrize("cmd", sorted(SAMPLES))
def test_mutated_bodies_never_crash(cmd: str) -> None:
    codes: set[int] = set()
    for body in _mutations(SAMPLES[cmd]):
        state = DeviceState()
        state.persons["0001"] = state.new_person("0001")
        state.sip["registered"] = True
        state.customer_auth_code_writable = True
        outcome = dispatch(state, {"cmd": cmd, **body})
        code = outcome.reply["code"]
        assert code in CODE_DESC, (body, outcome.reply)
        assert isinstance(outcome.reply["desc"], str)
        codes.add(code)
    assert 3 in codes  # some mutation is always illegal (at least deleting a required field)
