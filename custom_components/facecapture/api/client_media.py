"""Commands on what the terminal shows, plays and stores: screen, audio, files (2.10, 2.12, 2.14)."""

from __future__ import annotations

from collections.abc import Sequence
import hashlib

from ._parse import JsonObject, opt_str, reply_model
from .client_base import ClientBase, check_range
from .commands import DisplayText
from .const import (
    MAX_AUDIO_BYTES,
    MAX_DOWNLOAD_CHUNK,
    MAX_UPLOAD_CHUNK,
    Command,
    ScreensaverMode,
    TextEncoding,
)
from .errors import FaceCaptureResponseError, FaceCaptureValidationError
from .images import check_image, encode_base64
from .models import (
    AudioClip,
    FileChunk,
    ScreensaverMedia,
    parse_media_list,
)


class MediaCommands(ClientBase):
    """The screen, the speaker and files (2.10, 2.12, 2.14)."""

    # -----------------------------------------------------------------------------------------
    # 2.10 Screen

    async def get_screensaver_mode(self) -> ScreensaverMode | str:
        """The screensaver mode (2.10.1); an unknown mode is returned as the device's text."""
        reply = await self.request(Command.REQUEST_LCD_SCREENSAVER)
        mode = opt_str(reply.get("screensaver_mode"))
        if mode is None:
            raise FaceCaptureResponseError("The reply to 'request lcd screensaver' has no mode")
        try:
            return ScreensaverMode(mode)
        except ValueError:
            return mode

    async def set_screensaver_mode(self, mode: ScreensaverMode) -> None:
        """Set the screensaver mode (2.10.2)."""
        await self.request(Command.UPDATE_LCD_SCREENSAVER, {"screensaver_mode": str(mode)})

    async def get_screensaver_media(self) -> tuple[ScreensaverMedia, ...]:
        """The screensaver media files (2.10.3)."""
        reply = await self.request(Command.REQUEST_LCD_MEDIA)
        return reply_model(Command.REQUEST_LCD_MEDIA, parse_media_list, reply)

    async def update_screensaver_media(
        self, media: Sequence[ScreensaverMedia]
    ) -> tuple[ScreensaverMedia, ...]:
        """Register uploaded files as screensaver media, at most 10 (2.10.4)."""
        reply = await self.request(
            Command.UPDATE_LCD_MEDIA, {"screensaver_media_list": self._media(media)}
        )
        return reply_model(Command.UPDATE_LCD_MEDIA, parse_media_list, reply)

    async def delete_screensaver_media(
        self, media: Sequence[ScreensaverMedia]
    ) -> tuple[ScreensaverMedia, ...]:
        """Delete screensaver media, at most 10 (2.10.5)."""
        reply = await self.request(
            Command.DELETE_LCD_MEDIA, {"screensaver_media_list": self._media(media)}
        )
        return reply_model(Command.DELETE_LCD_MEDIA, parse_media_list, reply)

    @staticmethod
    def _media(media: Sequence[ScreensaverMedia]) -> list[JsonObject]:
        if not 1 <= len(media) <= 10:
            raise FaceCaptureValidationError("Give 1 to 10 media files")
        return [item.to_dict() for item in media]

    async def display_text(
        self,
        texts: DisplayText | Sequence[DisplayText],
        *,
        encoding: TextEncoding = TextEncoding.UTF8,
    ) -> None:
        """Show text on the screen (2.10.6)."""
        items = [texts] if isinstance(texts, DisplayText) else list(texts)
        if not items:
            raise FaceCaptureValidationError("No text to display")
        await self.request(
            Command.TEXT_DISPLAY,
            {"coding_type": str(encoding), "text_list": [item.to_dict() for item in items]},
        )

    async def display_image(
        self, image: bytes, *, x: int = 0, y: int = 0, alive_time: int = 5000
    ) -> None:
        """Show a JPEG or PNG on the screen for ``alive_time`` ms, 0 for ever (2.10.7)."""
        image_format = check_image(image)
        await self.request(
            Command.IMAGE_DISPLAY,
            {
                "position": {"x": x, "y": y},
                "alive_time": alive_time,
                "format": str(image_format),
                "image_data": encode_base64(image),
            },
        )

    # -----------------------------------------------------------------------------------------
    # 2.12 Audio

    async def tts_play(self, text: str) -> None:
        """Speak text with the terminal's TTS (2.12.1; the document says Chinese only)."""
        if not text.strip():
            raise FaceCaptureValidationError("The text to speak must not be empty")
        await self.request(Command.TTS_PLAY, {"text": text})

    async def play_audio_stream(self, wav: bytes) -> None:
        """Play a WAV sent with the request (2.12.2)."""
        if not (wav.startswith(b"RIFF") and wav[8:12] == b"WAVE"):
            raise FaceCaptureValidationError("The terminal plays WAV audio only")
        if len(wav) > MAX_AUDIO_BYTES:
            raise FaceCaptureValidationError(
                f"The audio is {len(wav)} bytes; the terminal takes at most {MAX_AUDIO_BYTES}"
            )
        await self.request(
            Command.PLAY_AUDIO_STREAM, {"audio": {"format": "wav", "data": encode_base64(wav)}}
        )

    async def browse_audio_list(self) -> tuple[AudioClip, ...]:
        """The built-in audio clips (2.12.3)."""
        reply = await self.request(Command.BROWSE_AUDIO_LIST)
        return reply_model(
            Command.BROWSE_AUDIO_LIST,
            lambda data: tuple(
                AudioClip.from_dict(item)
                for item in data.get("audio_list") or ()
                if isinstance(item, dict)
            ),
            reply,
        )

    async def play_audio(self, audio_no: int, audio_name: str) -> None:
        """Play a built-in clip (2.12.4)."""
        await self.request(Command.PLAY_AUDIO, {"audio_no": audio_no, "audio_name": audio_name})

    # -----------------------------------------------------------------------------------------
    # 2.14 Files

    async def download_file_chunk(
        self, path: str, *, offset: int = 0, size: int = MAX_DOWNLOAD_CHUNK
    ) -> FileChunk:
        """One chunk of a file on the terminal, at most 10240 bytes (2.14.1)."""
        reply = await self.request(
            Command.DOWNLOAD_FILE,
            {
                "path": path,
                "offset": offset,
                "size": check_range("The chunk size", size, 1, MAX_DOWNLOAD_CHUNK),
            },
        )
        chunk = reply_model(Command.DOWNLOAD_FILE, FileChunk.from_dict, reply)
        if chunk.md5sum and hashlib.md5(chunk.data).hexdigest() != chunk.md5sum.lower():  # noqa: S324 - the protocol's checksum
            raise FaceCaptureResponseError(f"The chunk of {path} at {offset} failed its md5 check")
        return chunk

    async def download_file(self, path: str, *, chunk_size: int = MAX_DOWNLOAD_CHUNK) -> bytes:
        """A whole file from the terminal, chunk by chunk, each checked against its md5."""
        data = bytearray()
        while True:
            chunk = await self.download_file_chunk(path, offset=len(data), size=chunk_size)
            if chunk.offset != len(data):
                raise FaceCaptureResponseError(
                    f"The terminal sent {path} from offset {chunk.offset}, not {len(data)}"
                )
            data += chunk.data
            if len(data) >= chunk.total_size:
                return bytes(data[: chunk.total_size])
            if not chunk.data:
                raise FaceCaptureResponseError(
                    f"The terminal stopped sending {path} at {len(data)} bytes"
                )

    async def upload_file_chunk(
        self, path: str, *, total_size: int, offset: int, data: bytes
    ) -> None:
        """Send one chunk of a file, at most 200 kB, with its md5 (2.14.2)."""
        check_range("The chunk size", len(data), 1, MAX_UPLOAD_CHUNK)
        await self.request(
            Command.UPLOAD_FILE,
            {
                "path": path,
                "total_size": total_size,
                "offset": offset,
                "size": len(data),
                "data": encode_base64(data),
                "md5sum": hashlib.md5(data).hexdigest(),  # noqa: S324 - the protocol's checksum
            },
        )

    async def upload_file(
        self, path: str, data: bytes, *, chunk_size: int = MAX_UPLOAD_CHUNK
    ) -> None:
        """Send a whole file to the terminal in checked chunks."""
        if not data:
            raise FaceCaptureValidationError("The file is empty")
        check_range("The chunk size", chunk_size, 1, MAX_UPLOAD_CHUNK)
        for offset in range(0, len(data), chunk_size):
            await self.upload_file_chunk(
                path, total_size=len(data), offset=offset, data=data[offset : offset + chunk_size]
            )
