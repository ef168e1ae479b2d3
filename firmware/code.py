"""Footfall pod firmware entry point (CircuitPython 9/10, nRF52840 + LSM6DS3TR-C).

Thin on purpose: pick the board profile, build the App (footfall_pod/app.py), attach BLE if
it can be had, run the loop. Everything else lives in footfall_pod and footfall_core.
"""
import board

from footfall_pod.app import App
from footfall_pod.boards import profile_for

app = App(profile_for(board.board_id))
try:
    from footfall_pod.ble_link import BleLink

    app.ble = BleLink(app)
except ImportError as exc:
    app.log("BLE off: " + repr(exc))
except Exception as exc:           # a BLE failure must never stop the pod
    app.log("BLE failed: " + repr(exc))
app.run()
