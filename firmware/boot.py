"""Runs before USB starts: decide who may write the drive, and open the telemetry port.

Normally the pod's code gets the drive (recordings, log, saved settings) and a laptop sees it
read-only. Hold the button while plugging in (or resetting) to give the drive to the laptop
instead: then settings.toml can be replaced and recordings deleted, and the pod runs without
recording.
"""
import board
import digitalio
import storage

try:
    import usb_cdc
except ImportError:  # a build without USB CDC: no telemetry port
    usb_cdc = None  # type: ignore[assignment]

from footfall_pod.boards import profile_for

_profile = profile_for(board.board_id)
_button = digitalio.DigitalInOut(getattr(board, _profile["button"]))
_button.switch_to_input(pull=digitalio.Pull.UP)
_held = not _button.value
_button.deinit()
if not _held:
    storage.remount("/", readonly=False)
if usb_cdc is not None:
    # a second USB serial port for telemetry frames (footfall_pod/data_port.py); the REPL
    # console stays as it is
    usb_cdc.enable(console=True, data=True)
