"""What the pod does with BLE requests: the SC Control Point and the Footfall control channel.

No radio here: each handler takes the request bytes and fills a response buffer, so the same
code runs under adafruit_ble on the pod, on the virtual pod and in tests. Every request is
validated completely before anything changes: a malformed, oversize, out-of-range or
unknown request gets its error code and leaves the pod's state as it was.

The app object (firmware/footfall_pod/app.py) provides: settings (footfall_core Settings),
apply_setting(name, value) -> error text or None (validates, applies, persists),
set_mode(mode), cues.mode, recorder (the recordings on the drive).
"""
import os
import struct

from footfall_core import ble_format as bf
from footfall_core.settings import DEFAULTS

_SPEED_KEYS = ("contact_length_mm", "walk_stride_mm", "speed_scale_permille")


class ControlHandler:
    def __init__(self, app, speed):
        self.app = app
        self.speed = speed
        self.names, self.table_crc = bf.settings_table(DEFAULTS)
        self.location = bf.LOCATION_TOP_OF_SHOE
        self.changes = 0           # accepted changes (tests, status)

    # ---- Running Speed and Cadence: SC Control Point ------------------------------------
    def handle_sc(self, data, out):
        """One SC Control Point write -> the indication to send back (length in out)."""
        op, param, result = bf.parse_sc_request(data)
        locations = None
        if result == bf.SC_SUCCESS:
            if op == bf.SC_SET_CUMULATIVE:
                result = self._set_cumulative(param)
            elif op == bf.SC_START_CALIBRATION:
                self.speed.start_calibration()
                self.speed.distance_cm = 0
            elif op == bf.SC_UPDATE_LOCATION:
                if param in bf.POD_LOCATIONS:
                    self.location = param
                else:
                    result = bf.SC_INVALID_PARAMETER
            elif op == bf.SC_REQUEST_LOCATIONS:
                locations = bf.POD_LOCATIONS
        return bf.pack_sc_response(out, op, result, locations)

    def _set_cumulative(self, distance_dm):
        sp = self.speed
        if distance_dm > 0x3FFFFFFF // 10:
            return bf.SC_INVALID_PARAMETER          # beyond what the pod counts (10 737 km)
        if sp.calibrating:
            # the true distance of the calibration run (total distance was zeroed at its start)
            raw = sp.cal_raw_cm
            scale = sp.calibration_scale(distance_dm)
            if scale < 0:
                sp.calibrating = True               # unchanged: the run stays open
                sp.cal_raw_cm = raw
                return bf.SC_FAILED
            problem = self.app.apply_setting("speed_scale_permille", scale)
            if problem is not None:
                sp.calibrating = True
                sp.cal_raw_cm = raw
                return bf.SC_FAILED
            sp.configure()
            self.changes += 1
        sp.set_distance_dm(distance_dm)
        return bf.SC_SUCCESS

    # ---- The Footfall control channel ---------------------------------------------------
    def handle(self, data, out, secure):
        """One control request -> its response in out; returns the response length.

        secure: the request came over the characteristic whose writes need an encrypted
        link. Changes (SET ops) are refused on the open one. len(out) bounds the response
        (the connection's MTU - 3)."""
        status = bf.check_request(data)
        op = data[0] if len(data) > 0 else 0
        seq = data[1] if len(data) > 1 else 0
        if status == bf.STATUS_OK and op in bf.CHANGING_OPS and not secure:
            status = bf.STATUS_NEED_ENCRYPTION
        n = bf.pack_response_head(out, op, seq, status)
        if status != bf.STATUS_OK:
            return n
        try:
            return self._dispatch(op, data, out)
        except OSError:
            bf.pack_response_head(out, op, seq, bf.STATUS_FAILED)
            return 3

    def _dispatch(self, op, data, out):
        if op == bf.OP_INFO:
            mode, target = self._mode()
            struct.pack_into("<BBHBBH", out, 3, bf.PROTOCOL_VERSION, len(self.names),
                             self.table_crc, min(len(self._recordings()), 255), mode, target)
            return 11
        if op == bf.OP_MODE_GET:
            mode, target = self._mode()
            struct.pack_into("<BH", out, 3, mode, target)
            return 6
        if op == bf.OP_MODE_SET:
            return self._set_mode(data, out)
        if op == bf.OP_REC_INFO:
            return self._rec_info(data[2], out)
        if op == bf.OP_REC_READ:
            index, offset, size = struct.unpack_from("<BIH", data, 2)
            return self._rec_read(index, offset, size, out)
        key = data[2]
        if key >= len(self.names):
            out[2] = bf.STATUS_UNKNOWN_KEY
            out[3] = key
            return 4
        name = self.names[key]
        if op == bf.OP_SETTING_GET:
            d = DEFAULTS[name]
            struct.pack_into("<Biii", out, 3, key, self.app.settings.values[name], d[1], d[2])
            return 16
        if op == bf.OP_SETTING_NAME:
            out[3] = key
            return 4 + _put_text(out, 4, name)
        # OP_SETTING_SET
        value = struct.unpack_from("<i", data, 3)[0]
        problem = self.app.apply_setting(name, value)
        if problem is None:
            self.changes += 1
            if name in _SPEED_KEYS:
                self.speed.configure()
        else:
            out[2] = bf.STATUS_REJECTED
        struct.pack_into("<Bi", out, 3, key, self.app.settings.values[name])
        if problem is None:
            return 8
        return 8 + _put_text(out, 8, problem)

    def _mode(self):
        target = self.app.settings.values.get(bf.TARGET_CADENCE_SETTING, 0)
        return self.app.cues.mode, target

    def _set_mode(self, data, out):
        mode, target = struct.unpack_from("<BH", data, 2)
        if mode >= len(bf.MODE_NAMES):
            out[2] = bf.STATUS_REJECTED
        elif target:
            problem = self.app.apply_setting(bf.TARGET_CADENCE_SETTING, target)
            if problem is not None:
                out[2] = bf.STATUS_REJECTED
                n = 6 + _put_text(out, 6, problem)
                m, t = self._mode()
                struct.pack_into("<BH", out, 3, m, t)
                return n
        if out[2] == bf.STATUS_OK:
            if self.app.set_mode(mode) is False:
                out[2] = bf.STATUS_REJECTED
            else:
                self.changes += 1
        m, t = self._mode()
        struct.pack_into("<BH", out, 3, m, t)
        return 6

    # ---- recordings --------------------------------------------------------------------
    def _recordings(self):
        """[(name, path)] of the recordings on the drive (recorder.recordings() gives
        [(path, bytes)], oldest first; the one being written is included and grows)."""
        rec = getattr(self.app, "recorder", None)
        if rec is None:
            return []
        out = []
        for item in rec.recordings():
            p = item[0]
            out.append((p.rsplit("/", 1)[-1], p))
        return out

    def _rec_info(self, index, out):
        recs = self._recordings()
        if index >= len(recs):
            out[2] = bf.STATUS_UNKNOWN_KEY
            struct.pack_into("<BB", out, 3, index, min(len(recs), 255))
            return 5
        name, path = recs[index]
        struct.pack_into("<BBI", out, 3, index, min(len(recs), 255), os.stat(path)[6])
        return 9 + _put_text(out, 9, name)

    def _rec_read(self, index, offset, size, out):
        recs = self._recordings()
        if index >= len(recs):
            out[2] = bf.STATUS_UNKNOWN_KEY
            out[3] = index
            return 4
        path = recs[index][1]
        total = os.stat(path)[6]
        if offset > total:
            out[2] = bf.STATUS_REJECTED
            struct.pack_into("<BI", out, 3, index, offset)
            return 8
        room = len(out) - bf.REC_READ_HEADER
        if size > room:
            size = room
        n = 0
        if size > 0 and offset < total:
            with open(path, "rb") as f:
                f.seek(offset)
                n = f.readinto(memoryview(out)[bf.REC_READ_HEADER:bf.REC_READ_HEADER + size]) or 0
        struct.pack_into("<BIH", out, 3, index, offset, 0)
        end = bf.REC_READ_HEADER + n
        struct.pack_into("<H", out, 8, bf.chunk_crc(out, end))
        return end


def _put_text(out, at, text):
    """ASCII text into out[at:], cut to fit; returns the bytes written."""
    b = text.encode()
    n = min(len(b), len(out) - at)
    if n > 0:
        out[at:at + n] = b[:n]
    return max(n, 0)
