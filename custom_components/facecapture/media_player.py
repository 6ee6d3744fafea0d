"""The terminal's speaker as a media player: TTS, announcements, media files, built-in sounds.

Whatever Home Assistant can play (a TTS message, a file of the media folder, an Assist
announcement, a URL) is converted by ``voice/audio.py`` and sent as one WAV (`play audio stream`,
2.12.2). The terminal's own sounds (`browse audio list`, 2.12.3) are a folder of the media
browser and play with `play audio` (2.12.4). The volume is the terminal's (`camera volume`, 2.18).
The terminal reports nothing about playback: the player shows "playing" for the clip's length.
"""

from __future__ import annotations

from datetime import datetime
import re
from typing import Any, Final

from homeassistant.components import media_source
from homeassistant.components.media_player import (
    MediaPlayerDeviceClass,
    MediaPlayerEntity,
    MediaPlayerEntityDescription,
)
from homeassistant.components.media_player.browse_media import BrowseMedia
from homeassistant.components.media_player.const import (
    MediaClass,
    MediaPlayerEntityFeature,
    MediaPlayerState,
    MediaType,
)
from homeassistant.components.media_player.errors import BrowseError
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.event import async_call_later
from homeassistant.util import dt as dt_util

from .api import AudioClip
from .const import DOMAIN
from .coordinator import FaceCaptureConfigEntry
from .entity import FaceCaptureCoordinatorEntity
from .helpers import call_terminal, terminal_command, validation_error
from .settings import volume, write_volume
from .voice.audio import async_media_to_terminal

PARALLEL_UPDATES = 1

SOUNDS_ID: Final = f"{DOMAIN}://sounds"
"""The media browser's folder of the terminal's built-in sounds; a sound is ``SOUNDS_ID/<no>``."""
SOUNDS_TITLE: Final = "Built-in sounds"
_SOUND_NAME = re.compile(r"^(?:NO\d+\.)?(.*?)(?:\.wav)?$", re.IGNORECASE)

SPEAKER = MediaPlayerEntityDescription(
    key="speaker",
    translation_key="speaker",
    device_class=MediaPlayerDeviceClass.SPEAKER,
)


def sound_title(clip: AudioClip) -> str:
    """`NO4.no_mask.wav` reads as "No mask"."""
    match = _SOUND_NAME.match(clip.audio_name)
    name = (match.group(1) if match else "").replace("_", " ").strip()
    return name.capitalize() if name else f"Sound {clip.audio_no}"


def sound_media(clip: AudioClip) -> BrowseMedia:
    """A built-in sound in the media browser."""
    return BrowseMedia(
        media_class=MediaClass.MUSIC,
        media_content_id=f"{SOUNDS_ID}/{clip.audio_no}",
        media_content_type=MediaType.MUSIC,
        title=sound_title(clip),
        can_play=True,
        can_expand=False,
    )


def _is_audio(item: BrowseMedia) -> bool:
    return str(item.media_content_type).startswith("audio/")


async def async_setup_entry(
    hass: HomeAssistant,
    entry: FaceCaptureConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create the terminal's speaker."""
    async_add_entities([FaceCaptureMediaPlayer(entry, SPEAKER)])


class FaceCaptureMediaPlayer(FaceCaptureCoordinatorEntity, MediaPlayerEntity):
    """Plays audio on the terminal's speaker."""

    _attr_media_content_type = MediaType.MUSIC
    _attr_state = MediaPlayerState.IDLE

    def __init__(
        self, entry: FaceCaptureConfigEntry, description: MediaPlayerEntityDescription
    ) -> None:
        """Offer the volume only when the terminal reports one."""
        super().__init__(entry, description)
        features = (
            MediaPlayerEntityFeature.PLAY_MEDIA
            | MediaPlayerEntityFeature.BROWSE_MEDIA
            | MediaPlayerEntityFeature.MEDIA_ANNOUNCE
        )
        if volume(self.coordinator.data) is not None:
            features |= MediaPlayerEntityFeature.VOLUME_SET
        self._attr_supported_features = features
        self._sounds: tuple[AudioClip, ...] = ()
        self._stop_playing: CALLBACK_TYPE | None = None

    async def async_will_remove_from_hass(self) -> None:
        """Forget the end of a clip still playing."""
        self._cancel_playing()
        await super().async_will_remove_from_hass()

    @callback
    def async_entity_id_changed(self, old_entity_id: str) -> None:
        """Opt in to in-place entity id changes: the entity id is read per call, never kept."""
        super().async_entity_id_changed(old_entity_id)

    @property
    def volume_level(self) -> float | None:
        """The terminal's volume, 0..1."""
        percent = volume(self.coordinator.data)
        return None if percent is None else percent / 100

    @terminal_command
    async def async_set_volume_level(self, volume: float) -> None:
        """Set the terminal's volume (0..1 here, percent on the terminal)."""
        await write_volume(self.entry.runtime_data.client, volume * 100)
        await self.coordinator.async_request_refresh()

    async def _async_sounds(self) -> tuple[AudioClip, ...]:
        self._sounds = await call_terminal(
            self.entry, self.entry.runtime_data.client.browse_audio_list()
        )
        return self._sounds

    async def async_browse_media(
        self,
        media_content_type: MediaType | str | None = None,
        media_content_id: str | None = None,
    ) -> BrowseMedia:
        """The terminal's built-in sounds, then Home Assistant's audio media sources."""
        if media_content_id == SOUNDS_ID:
            sounds = await self._async_sounds()
            return BrowseMedia(
                media_class=MediaClass.DIRECTORY,
                media_content_id=SOUNDS_ID,
                media_content_type=MediaType.MUSIC,
                title=SOUNDS_TITLE,
                can_play=False,
                can_expand=True,
                children=[sound_media(clip) for clip in sounds],
                children_media_class=MediaClass.MUSIC,
            )
        if media_content_id is not None:
            return await media_source.async_browse_media(
                self.hass, media_content_id, content_filter=_is_audio
            )
        folder = BrowseMedia(
            media_class=MediaClass.DIRECTORY,
            media_content_id=SOUNDS_ID,
            media_content_type=MediaType.MUSIC,
            title=SOUNDS_TITLE,
            can_play=False,
            can_expand=True,
            children_media_class=MediaClass.MUSIC,
        )
        root: BrowseMedia
        try:
            root = await media_source.async_browse_media(self.hass, None, content_filter=_is_audio)
        except BrowseError:  # media_source is not loaded: the terminal's sounds alone
            root = BrowseMedia(
                media_class=MediaClass.DIRECTORY,
                media_content_id="",
                media_content_type=MediaType.MUSIC,
                title=self.entry.title,
                can_play=False,
                can_expand=True,
            )
        root.children = [folder, *(root.children or [])]
        return root

    async def async_play_media(
        self, media_type: MediaType | str, media_id: str, **kwargs: Any
    ) -> None:
        """Play a built-in sound, or any audio converted to the terminal's WAV.

        An announcement plays the same way: the terminal plays one clip at a time.
        """
        await call_terminal(self.entry, self._async_play(media_id))

    async def _async_play(self, media_id: str) -> None:
        client = self.entry.runtime_data.client
        if media_id.startswith(f"{SOUNDS_ID}/"):
            clip = await self._async_sound(media_id)
            await client.play_audio(clip.audio_no, clip.audio_name)
            return
        audio = await async_media_to_terminal(self.hass, media_id, self.entity_id)
        await client.play_audio_stream(audio.wav)
        self._async_playing(media_id, audio.seconds)

    async def _async_sound(self, media_id: str) -> AudioClip:
        number = media_id.removeprefix(f"{SOUNDS_ID}/")
        for sounds in (self._sounds, await self._async_sounds()):
            for clip in sounds:
                if str(clip.audio_no) == number:
                    return clip
        raise validation_error("unknown_sound", sound=number)

    @callback
    def _async_playing(self, media_id: str, seconds: float) -> None:
        """Show the clip as playing for its length (a built-in sound's length is unknown)."""
        self._cancel_playing()
        self._attr_media_content_id = media_id
        self._attr_state = MediaPlayerState.PLAYING
        self._attr_media_duration = round(seconds)
        self._attr_media_position = 0
        self._attr_media_position_updated_at = dt_util.utcnow()
        self._stop_playing = async_call_later(self.hass, seconds, self._async_finished)
        self.async_write_ha_state()

    @callback
    def _async_finished(self, _now: datetime) -> None:
        self._stop_playing = None
        self._attr_state = MediaPlayerState.IDLE
        self._attr_media_content_id = None
        self._attr_media_duration = None
        self._attr_media_position = None
        self._attr_media_position_updated_at = None
        self.async_write_ha_state()

    def _cancel_playing(self) -> None:
        if self._stop_playing is not None:
            self._stop_playing()
            self._stop_playing = None
