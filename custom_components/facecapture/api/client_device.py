"""Commands on the device: gate and Wiegand output, clock and reboot, upgrade, hardware, AES, SIP, 4G, volume."""

from __future__ import annotations

from datetime import datetime

from ._parse import JsonObject, opt_bool, opt_int, opt_str, reply_model
from .client_base import ClientBase, check_range
from .commands import check_bytes
from .const import (
    MAX_ID_BYTES,
    Command,
    ControlMode,
)
from .errors import FaceCaptureResponseError, FaceCaptureValidationError
from .images import encode_base64
from .models import (
    DeviceTime,
    FirmwareInfo,
    FourGInfo,
    HardwareInfo,
    Snapshot,
    TrafficDay,
    UpgradeInfo,
    VersionInfo,
    format_device_time,
)
from .network import NetworkInfo

_MAX_SHORT_CARD = 2**32 - 1


class DeviceCommands(ClientBase):
    """Gate output, system, upgrade, hardware, encryption, SIP, 4G and volume (2.4 to 2.9, 2.11, 2.13, 2.15 to 2.18)."""

    # -----------------------------------------------------------------------------------------
    # 2.4 to 2.7 Snapshot, gate and Wiegand output, heartbeat

    async def snapshot(self) -> Snapshot:
        """A still image from the camera (2.4)."""
        reply = await self.request(Command.SNAPSHOT)
        return reply_model(Command.SNAPSHOT, Snapshot.from_dict, reply)

    async def gpio_control(
        self,
        port: int = 1,
        *,
        mode: ControlMode = ControlMode.FORCE,
        person_id: str | None = None,
        voice: str | None = None,
    ) -> None:
        """Pulse a relay; the terminal releases it after its hold time (2.5).

        ``voice`` (a built-in clip name) uses the newer `gpio control Extend` command.
        """
        fields: JsonObject = {"port": port, "ctrl_type": "on", "ctrl_mode": str(mode)}
        if person_id is not None:
            check_bytes("The person id", person_id, MAX_ID_BYTES)
            fields["person_id"] = person_id
        if voice is not None:
            fields["voicePlay"] = voice
            await self.request(Command.GPIO_CONTROL_EXTEND, fields)
            return
        await self.request(Command.GPIO_CONTROL, fields)

    async def wiegand_control(
        self,
        card_no: int,
        *,
        long_card: bool = False,
        mode: ControlMode = ControlMode.FORCE,
        person_id: str | None = None,
    ) -> None:
        """Send a card number on the Wiegand output (2.6); long cards are for wg36/44/66."""
        if card_no < 0:
            raise FaceCaptureValidationError("The card number must not be negative")
        if not long_card and card_no > _MAX_SHORT_CARD:
            raise FaceCaptureValidationError("A short card number has 32 bits; use long_card")
        if person_id is not None:
            check_bytes("The person id", person_id, MAX_ID_BYTES)
        fields: JsonObject = {
            "wiegand_card_no": 0 if long_card else card_no,
            "long_card_id": card_no if long_card else 0,
            "ctrl_mode": str(mode),
        }
        if person_id is not None:
            fields["person_id"] = person_id
        await self.request(Command.WIEGAND_CONTROL, fields)

    async def heart_beat(self) -> None:
        """Send a heartbeat; a cheap way to see that the terminal answers (2.7)."""
        await self.request(
            Command.HEART_BEAT,
            {"ip": "", "device_sn": "", "device_no": "", "addr_no": "", "addr_name": ""},
        )

    # -----------------------------------------------------------------------------------------
    # 2.8 Customer authentication code

    async def get_customer_auth_code(self) -> str:
        """The user-defined authentication code, base64 (2.8.1)."""
        reply = await self.request(Command.REQUEST_CUSTOMER_AUTH_CODE)
        return opt_str(reply.get("customer_auth_code")) or ""

    async def set_customer_auth_code(self, code: str) -> None:
        """Write the user-defined authentication code, base64 (2.8.2; documented as unsupported)."""
        await self.request(Command.UPDATE_CUSTOMER_AUTH_CODE, {"customer_auth_code": code})

    # -----------------------------------------------------------------------------------------
    # 2.9 System

    async def get_date_time(self) -> DeviceTime:
        """The terminal's clock (2.9.1)."""
        reply = await self.request(Command.REQUEST_DATE_TIME)
        return reply_model(Command.REQUEST_DATE_TIME, DeviceTime.from_dict, reply)

    async def set_date_time(self, value: datetime, *, timezone: str | None = None) -> None:
        """Set the terminal's clock to a local time (2.9.2); newer firmware also takes a zone."""
        fields: JsonObject = {"date_time": format_device_time(value)}
        if timezone is not None:
            fields["timezone"] = timezone
        await self.request(Command.UPDATE_DATE_TIME, fields)

    async def reboot(self) -> None:
        """Reboot the terminal; it is offline for a while afterwards (2.9.3)."""
        await self.request(Command.REBOOT)

    async def restart_application(self) -> None:
        """Restart the capture application (2.9.4)."""
        await self.request(Command.RESTART_APPLICATION)

    # -----------------------------------------------------------------------------------------
    # 2.11 Upgrade

    async def ask_upgrade(
        self,
        firmware: FirmwareInfo,
        *,
        device_sn: str = "",
        device_no: str = "",
        last_upgrade_code: int = 0,
    ) -> UpgradeInfo:
        """Ask whether an upgrade exists for ``firmware`` (2.11; normally the device asks a server)."""
        reply = await self.request(
            Command.ASK_UPGRADE,
            {
                "device_sn": device_sn,
                "device_no": device_no,
                "last_upgrade_code": last_upgrade_code,
                "firmware": firmware.to_dict(),
            },
        )
        return UpgradeInfo.from_dict(reply)

    # -----------------------------------------------------------------------------------------
    # 2.13 Hardware

    async def get_hardware_info(self) -> HardwareInfo:
        """Board, chip, sensor, screen and whether a 4G module is fitted (2.13.1)."""
        return HardwareInfo.from_dict(await self.request(Command.GET_HARDWARE_INFO))

    async def set_hardware_info(
        self, *, lcd_model: str | None = None, has_4g: bool | None = None
    ) -> None:
        """Declare the screen model or the 4G module (2.13.2)."""
        fields: JsonObject = {}
        if lcd_model is not None:
            fields["Lcd"] = {"manu": "", "model": lcd_model}
        if has_4g is not None:
            fields["FourG"] = {"moduler_4g": "YES" if has_4g else "NO"}
        if not fields:
            raise FaceCaptureValidationError("No hardware information to set")
        await self.request(Command.SET_HARDWARE_INFO, fields)

    # -----------------------------------------------------------------------------------------
    # 2.15 Encryption of names and ids in pushes

    async def set_aes(
        self, original_key: bytes, *, enable: bool | None = None, new_key: bytes | None = None
    ) -> None:
        """Turn AES encryption of names/ids on or off, or change its key (2.15.1)."""
        for name, key in (("original key", original_key), ("new key", new_key)):
            if key is not None and len(key) > 16:
                raise FaceCaptureValidationError(f"The {name} must be at most 16 bytes")
        fields: JsonObject = {"ori_key": encode_base64(original_key)}
        if enable is not None:
            fields["enable"] = enable
        if new_key is not None:
            fields["new_key"] = encode_base64(new_key)
        await self.request(Command.UPDATE_AES, fields)

    async def get_aes(self) -> bool:
        """Whether names and ids in pushes are encrypted (2.15.2)."""
        reply = await self.request(Command.REQUEST_AES)
        return opt_bool(reply.get("enable")) is True

    # -----------------------------------------------------------------------------------------
    # 2.16 SIP

    async def sip_register(
        self, domain: str, port: int, username: str, password: str | None = None
    ) -> None:
        """Register the terminal with a SIP server (2.16.1)."""
        fields: JsonObject = {"domain": domain, "port": port, "username": username}
        if password is not None:
            fields["password"] = password
        await self.request(Command.SIP_REGISTER, fields)

    async def sip_call(self, url: str) -> None:
        """Call a SIP account, ``sip:user@domain:port`` (2.16.2)."""
        if not url.startswith("sip:") or "@" not in url:
            raise FaceCaptureValidationError("A SIP address looks like sip:user@domain:port")
        await self.request(Command.SIP_CALL, {"url": url})

    async def sip_hangup(self) -> None:
        """End the current SIP call (2.16.3)."""
        await self.request(Command.SIP_HANGUP)

    # -----------------------------------------------------------------------------------------
    # 2.17 4G, 2.18 volume, and `get version`

    async def get_4g_info(self) -> FourGInfo:
        """The 4G module, SIM, operator and signal (2.17.1)."""
        return FourGInfo.from_dict(await self.request(Command.REQUEST_4G_INFO))

    async def traffic_statistics(
        self, month: int, day: str | None = None
    ) -> tuple[TrafficDay, ...]:
        """4G data usage of a month, or of days such as "1-9", "1-" or "1" (2.17.2)."""
        fields: JsonObject = {"month": check_range("The month", month, 1, 12)}
        if day is not None:
            fields["day"] = day
        reply = await self.request(Command.TRAFFIC_STATISTICS, fields)
        return reply_model(
            Command.TRAFFIC_STATISTICS,
            lambda data: tuple(
                TrafficDay.from_dict(item)
                for item in data.get("statistics") or ()
                if isinstance(item, dict)
            ),
            reply,
        )

    async def get_volume(self) -> int:
        """The speaker volume, 0-100 (2.18.2)."""
        reply = await self.request(Command.CAMERA_VOLUME, {"method": "GET"})
        volume = opt_int(reply.get("volume"))
        if volume is None:
            raise FaceCaptureResponseError("The reply to 'camera volume' has no volume")
        return volume

    async def set_volume(self, volume: int) -> None:
        """Set the speaker volume, 0-100 (2.18.1)."""
        await self.request(
            Command.CAMERA_VOLUME,
            {"method": "SET", "volume": check_range("The volume", volume, 0, 100)},
        )

    async def get_version(self) -> VersionInfo:
        """Protocol and firmware versions (newer firmware; the document does not list it)."""
        return VersionInfo.from_dict(await self.request(Command.GET_VERSION))

    async def get_network(self) -> NetworkInfo:
        """Network settings with the MAC address (newer firmware; the document does not list it).

        Older firmware answers code 2 (``FaceCaptureUnsupportedError``).
        """
        return NetworkInfo.from_dict(await self.request(Command.GET_NETWORK))
