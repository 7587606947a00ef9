"""Playing ``Pcm`` through a PortAudio output stream, interruptible from another thread.

``sounddevice`` is imported only when sound is played, so everything else keeps working
on a machine without PortAudio.
"""

from __future__ import annotations

import logging
import threading
from types import ModuleType
from typing import Any

from .errors import AudioError
from .synthesis import Pcm

_LOGGER = logging.getLogger(__name__)

BLOCK_SECONDS = 0.05  # stop() takes effect within one block
DEVICES_HINT = "List the sound devices with: python -m sounddevice"


def load_sounddevice() -> ModuleType:
    """Import sounddevice, turning a missing PortAudio library into an AudioError."""
    try:
        import sounddevice
    except OSError as error:  # raised by sounddevice when libportaudio cannot be loaded
        raise AudioError(
            f"Cannot use the sound card: the PortAudio library is missing ({error}). "
            "Install it with: sudo apt-get install libportaudio2"
        ) from error
    module: ModuleType = sounddevice
    return module


class Player:
    """Plays one ``Pcm`` at a time on ``device`` (an index, a name, or None for the default)."""

    def __init__(
        self, device: int | str | None = None, block_seconds: float = BLOCK_SECONDS
    ) -> None:
        self.device = device
        self.block_seconds = block_seconds
        self._stop = threading.Event()

    def stop(self) -> None:
        """Interrupt the playback in progress, if any; the next ``play`` starts afresh."""
        self._stop.set()

    def play(self, pcm: Pcm, cancel: threading.Event | None = None) -> bool:
        """Play ``pcm`` to the end and return True, or return False once ``stop()`` is called
        or ``cancel`` is set. ``cancel`` lets a caller interrupt without racing other callers."""
        self._stop.clear()
        if len(pcm.samples) == 0:
            return True
        sd = load_sounddevice()
        block = max(1, round(pcm.rate * self.block_seconds))
        stream = self._open(sd, pcm.rate, block)
        completed = True
        try:
            stream.start()
            _LOGGER.debug("first audio out (output latency %.3f s)", float(stream.latency))
            for start in range(0, len(pcm.samples), block):
                if self._stop.is_set() or (cancel is not None and cancel.is_set()):
                    completed = False
                    break
                if stream.write(pcm.samples[start : start + block].reshape(-1, 1)):
                    _LOGGER.debug("output underflow at %.2f s", start / pcm.rate)
            if completed:
                stream.stop()  # waits for the buffered tail to play
            else:
                stream.abort()  # drops the buffered tail: the person asked for quiet
        except sd.PortAudioError as error:
            raise AudioError(
                f"Sound output failed while playing ({error}). "
                f"Check the speakers are connected and not used by another program. {DEVICES_HINT}"
            ) from error
        finally:
            stream.close(ignore_errors=True)
        _LOGGER.debug("played %.2f s of audio, completed=%s", pcm.seconds, completed)
        return completed

    def _open(self, sd: ModuleType, rate: int, block: int) -> Any:
        try:
            # query_devices gives a clearer error than OutputStream for a missing device.
            info = sd.query_devices(self.device, kind="output")
            _LOGGER.debug("output device: %s", info["name"])
            return sd.OutputStream(
                samplerate=rate, channels=1, dtype="int16", device=self.device, blocksize=block
            )
        except (sd.PortAudioError, ValueError) as error:
            which = "default" if self.device is None else repr(self.device)
            raise AudioError(
                f"No usable sound output device ({which}: {error}). "
                f"Connect speakers or headphones, or choose another output device. {DEVICES_HINT}"
            ) from error
