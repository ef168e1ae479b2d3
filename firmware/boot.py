"""Runs before USB starts: decide who may write the drive.

Normally the pod's code gets the drive (recordings, log, saved settings) and a laptop sees it
read-only. Hold the button while plugging in (or resetting) to give the drive to the laptop
instead: then settings.toml can be replaced and recordings deleted, and the pod runs without
recording.
"""
import board
import digitalio
import storage

from footfall_pod.boards import profile_for

_profile = profile_for(board.board_id)
_button = digitalio.DigitalInOut(getattr(board, _profile["button"]))
_button.switch_to_input(pull=digitalio.Pull.UP)
_held = not _button.value
_button.deinit()
if not _held:
    storage.remount("/", readonly=False)
