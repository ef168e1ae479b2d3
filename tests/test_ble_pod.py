"""The pod's BLE services (real adafruit_ble over the _bleio stand-in), driven by fake
centrals: GATT table, advertising, two centrals, RSC notifications from the real core, the SC
Control Point's response codes, and the Footfall control channel. Bad input gets its code
and leaves the pod's state unchanged."""
import struct

import pytest

from footfall_core import ble_format as bf
from tests.ble_pod import Pod

RSC_CP = bf.SC_CONTROL_POINT_UUID16


@pytest.fixture(scope="module")
def demo():
    from footfall.simulate import demo_session
    return demo_session(minutes=1.0, seed=1, sample_rate_hz=208)


def snapshot(pod):
    """Everything a bad request must leave alone."""
    sp = pod.link.speed
    return (dict(pod.app.settings.values), pod.app.cues.mode, pod.link.control.location,
            sp.distance_cm, sp.calibrating, sp.cal_raw_cm, sp.scale)


def test_gatt_table_and_advertisement():
    pod = Pod()
    by_service = {str(s.uuid): s for s in pod.adapter.services}
    rsc = by_service["0x1814"]
    props = {str(c.uuid): c.properties for c in rsc.characteristics}
    C = pod.standin.Characteristic
    assert props == {"0x2a53": C.NOTIFY, "0x2a54": C.READ, "0x2a5d": C.READ,
                     "0x2a55": C.WRITE | C.INDICATE}
    assert "0x180f" in by_service and "0x180a" in by_service
    assert bf.FOOTFALL_SERVICE_UUID in by_service
    adv = pod.adapter.advertisement_data
    assert pod.adapter.advertising and len(adv) <= 31
    assert bytes([3, 0x02, 0x14, 0x18]) in adv     # 16-bit service list (adafruit_ble: incomplete)
    assert bytes([3, 0x19, 0x42, 0x04]) in adv                    # appearance: on-shoe sensor
    assert pod.standin.UUID(bf.FOOTFALL_SERVICE_UUID).uuid128 in adv
    assert b"Footfall" in pod.adapter.scan_response_data
    watch = pod.adapter.central_connect("watch")
    assert watch.read(0x2A54) == b"\x1f\x00"                       # RSC Feature, u16 LE
    assert watch.read(0x2A5D) == b"\x01"                           # top of shoe
    with pytest.raises(pod.standin.AttError) as e:
        watch.read(0x2A53)                                        # notify only
    assert e.value.code == 0x02


def test_two_centrals_both_get_notifications(demo):
    pod = Pod(demo)
    watch = pod.adapter.central_connect("watch")
    assert not pod.adapter.advertising                           # connecting stops advertising
    pod.poll()
    assert pod.adapter.advertising                               # ... the pod advertises again
    phone = pod.adapter.central_connect("phone", mtu=185)
    pod.poll()
    assert not pod.adapter.advertising                           # two centrals: enough
    watch.subscribe(0x2A53)
    phone.subscribe(0x2A53)
    phone.subscribe(bf.FOOTFALL_STRIDE_UUID)
    pod.run(30)
    w, p = watch.notifications(0x2A53), phone.notifications(0x2A53)
    assert len(w) > 20 and w == p
    strides = phone.notifications(bf.FOOTFALL_STRIDE_UUID)
    assert len(strides) == pod.app.core.stride_count
    # each stride notification carries exactly the core's record
    core, rate = pod.app.core, pod.rate
    last = bf.unpack_stride(strides[-1])
    k = core.stride_count - 1
    r = k & 7
    assert last[0] == k and last[2] == core.gct_ms[r] and last[4] == core.angle_ddeg[r]
    assert last[5] == core.strike[r] and last[7] == core.cadence_dspm[r]
    assert abs(last[1] - core.ic_t[r] * 1000 / rate) < 1
    # ... and the pipeline's speed, stride length and activity for it (the link computes none)
    pipe = pod.app.pipeline
    assert last[6] == pipe.activity[r] and last[8] == pipe.speed_q8[r] > 0
    assert last[9] == pipe.stride_cm[r] > 0
    # RSC: cadence in steps/min (both feet) = the core's 0.1 spm rounded; running bit set
    flags, speed, cad, stride_cm, dist = bf.unpack_rsc(w[-1])
    assert cad == (core.cadence_dspm[r] + 5) // 10 and flags & bf.RSC_FLAG_RUNNING
    assert flags & bf.RSC_FLAG_STRIDE and flags & bf.RSC_FLAG_DISTANCE
    assert stride_cm > 0 and speed > 0 and dist > 0
    assert speed == pipe.speed_q8[r] and stride_cm == pipe.stride_cm[r]
    assert dist == pipe.distance_cm[r] // 10
    watch.disconnect()
    pod.poll()
    assert pod.adapter.advertising                               # room for another again
    pod.run(2)
    assert len(phone.notifications(0x2A53)) > len(p)


def test_stopping_sends_zero_speed_at_1_hz():
    pod = Pod()
    watch = pod.adapter.central_connect("watch")
    watch.subscribe(0x2A53)
    pod.link._last_stride_ms = 0
    pod.link.speed.speed_q8 = 700
    pod.link.speed.distance_cm = 12345
    for now in range(0, 6001, 50):
        pod.link.poll(now)
    got = [bf.unpack_rsc(x) for x in watch.notifications(0x2A53)]
    assert len(got) == 3                                          # 4, 5, 6 s: one a second
    assert all(g[1] == 0 and g[2] == 0 and g[3] == -1 and g[4] == 1234 for g in got)


def sc(pod, central, payload):
    central.write(RSC_CP, bytes(payload))
    pod.poll()
    return central.notifications(RSC_CP)[-1]


def test_sc_control_point_procedures():
    pod = Pod()
    watch = pod.adapter.central_connect("watch")
    phone = pod.adapter.central_connect("phone") if pod.poll() is None else None
    watch.pair()
    phone.pair()
    watch.subscribe(RSC_CP)
    phone.subscribe(RSC_CP)
    assert sc(pod, watch, [4]) == bytes([0x10, 4, 1, 1, 2])       # supported locations
    assert watch.received[-1][2] == "indicate"
    assert phone.notifications(RSC_CP) == []                      # only the writer hears
    assert sc(pod, watch, [3, 2]) == bytes([0x10, 3, 1])
    assert pod.link.control.location == 2
    assert sc(pod, watch, [1, 0x39, 0x30, 0, 0]) == bytes([0x10, 1, 1])
    assert pod.link.speed.distance_cm == 123450


@pytest.mark.parametrize("payload,expect", [
    ([0x05], [0x10, 5, 2]),                 # unknown op code: not supported
    ([0x00, 1], [0x10, 0, 2]),
    ([0xFF], [0x10, 0xFF, 2]),
    ([0x03, 7], [0x10, 3, 3]),              # unsupported location: invalid parameter
    ([0x03, 0], [0x10, 3, 3]),
    ([0x03], [0x10, 3, 3]),                 # malformed lengths: invalid parameter
    ([0x01, 1, 2], [0x10, 1, 3]),
    ([0x02, 0], [0x10, 2, 3]),
    ([0x01, 0xFF, 0xFF, 0xFF, 0xFF], [0x10, 1, 3]),   # beyond what the pod can count
])
def test_sc_bad_requests_leave_state_unchanged(payload, expect):
    pod = Pod()
    watch = pod.adapter.central_connect("watch")
    watch.pair()
    watch.subscribe(RSC_CP)
    pod.link.speed.distance_cm = 777
    before = snapshot(pod)
    assert sc(pod, watch, payload) == bytes(expect)
    assert snapshot(pod) == before


def test_sc_oversize_write_refused_by_the_stack():
    pod = Pod()
    watch = pod.adapter.central_connect("watch")
    watch.pair()
    watch.subscribe(RSC_CP)
    before = snapshot(pod)
    with pytest.raises(pod.standin.AttError) as e:
        watch.write(RSC_CP, bytes([1]) + bytes(18))
    assert e.value.code == 0x0D                                   # invalid attribute length
    pod.poll()
    assert watch.notifications(RSC_CP) == [] and snapshot(pod) == before


def test_calibration_on_a_known_distance(demo):
    pod = Pod(demo)
    watch = pod.adapter.central_connect("watch")
    watch.pair()
    watch.subscribe(RSC_CP)
    watch.subscribe(0x2A53)
    pod.run(20)
    assert sc(pod, watch, [2]) == bytes([0x10, 2, 1])             # start: distance zeroed
    assert pod.link.speed.distance_cm == 0
    pod.run(30)
    measured_dm = pod.link.speed.distance_cm // 10
    assert measured_dm > 500
    # an absurd "true" distance (10x): operation failed, nothing changes, the run stays open
    before = snapshot(pod)
    absurd = list(b"\x01" + struct.pack("<I", measured_dm * 10))
    assert sc(pod, watch, absurd) == bytes([0x10, 1, 4])
    assert snapshot(pod) == before
    # the truth was 10 % longer: the scale becomes 1100 permille and the distance is set
    true_dm = measured_dm * 11 // 10
    assert sc(pod, watch, list(b"\x01" + struct.pack("<I", true_dm))) == bytes([0x10, 1, 1])
    assert abs(pod.app.settings.values["speed_scale_permille"] - 1100) <= 2
    assert pod.link.speed.scale == pod.app.settings.values["speed_scale_permille"]
    assert pod.link.speed.distance_cm == true_dm * 10 and not pod.link.speed.calibrating
    speed_before = pod.link.speed.speed_q8
    pod.run(5)
    assert pod.link.speed.speed_q8 > speed_before * 105 // 100 or speed_before == 0


def control(pod, central, payload, secure=False):
    uuid = bf.FOOTFALL_SECURE_UUID if secure else bf.FOOTFALL_CONTROL_UUID
    central.write(uuid, bytes(payload))
    pod.poll()
    return central.notifications(uuid)[-1]


@pytest.fixture
def phone_pod():
    pod = Pod()
    phone = pod.adapter.central_connect("phone", mtu=185)
    phone.subscribe(bf.FOOTFALL_CONTROL_UUID)
    phone.subscribe(bf.FOOTFALL_SECURE_UUID)
    return pod, phone


def key_of(name):
    from footfall_core.settings import DEFAULTS
    return sorted(DEFAULTS).index(name)


def test_settings_read_and_write(phone_pod):
    pod, phone = phone_pod
    k = key_of("metronome_spm")
    r = control(pod, phone, [bf.OP_SETTING_GET, 5, k])
    assert r[:3] == bytes([0x82, 5, 0]) and struct.unpack_from("<Biii", r, 3) == (k, 170, 100, 240)
    r = control(pod, phone, [bf.OP_SETTING_NAME, 6, k])
    assert r[4:] == b"metronome_spm"
    # a change over the open characteristic: encryption required, nothing changes
    before = snapshot(pod)
    r = control(pod, phone, list(bytes([bf.OP_SETTING_SET, 7, k]) + struct.pack("<i", 180)))
    assert r[:3] == bytes([0x84, 7, bf.STATUS_NEED_ENCRYPTION]) and snapshot(pod) == before
    # the secure characteristic refuses an unencrypted link at the ATT level
    with pytest.raises(pod.standin.AttError) as e:
        phone.write(bf.FOOTFALL_SECURE_UUID,
                    bytes([bf.OP_SETTING_SET, 8, k]) + struct.pack("<i", 180))
    assert e.value.code == 0x05
    phone.pair()
    r = control(pod, phone, list(bytes([bf.OP_SETTING_SET, 9, k]) + struct.pack("<i", 180)), True)
    assert r == bytes([0x84, 9, 0, k]) + struct.pack("<i", 180)
    assert pod.app.settings.values["metronome_spm"] == 180
    assert pod.app.applied == [("metronome_spm", 180)]


@pytest.mark.parametrize("payload,status", [
    (bytes([bf.OP_SETTING_SET, 1, 0]) + struct.pack("<i", 10**6), bf.STATUS_REJECTED),
    (bytes([bf.OP_SETTING_SET, 1, 250]) + struct.pack("<i", 1), bf.STATUS_UNKNOWN_KEY),
    (bytes([bf.OP_SETTING_SET, 1, 0]) + struct.pack("<h", 1), bf.STATUS_MALFORMED),
    (bytes([bf.OP_SETTING_SET, 1, 0]) + bytes(9), bf.STATUS_MALFORMED),
    (bytes([bf.OP_MODE_SET, 1, 9, 0, 0]), bf.STATUS_REJECTED),
    (bytes([bf.OP_MODE_SET, 1, 1]) + struct.pack("<H", 999), bf.STATUS_REJECTED),
    (bytes([0x7E, 1]), bf.STATUS_UNSUPPORTED),
    (bytes([bf.OP_SETTING_GET]), bf.STATUS_MALFORMED),
])
def test_bad_control_requests_leave_state_unchanged(phone_pod, payload, status):
    pod, phone = phone_pod
    phone.pair()
    before = snapshot(pod)
    r = control(pod, phone, payload, secure=True)
    assert r[0] == (payload[0] | 0x80) and r[2] == status
    assert snapshot(pod) == before and pod.app.applied == []


def test_out_of_range_setting_reports_the_kept_value(phone_pod):
    pod, phone = phone_pod
    phone.pair()
    k = key_of("metronome_spm")
    r = control(pod, phone, list(bytes([bf.OP_SETTING_SET, 3, k]) + struct.pack("<i", 400)), True)
    assert r[2] == bf.STATUS_REJECTED and struct.unpack_from("<Bi", r, 3) == (k, 170)
    assert b"outside" in r[8:]


def test_mode_control(phone_pod):
    pod, phone = phone_pod
    phone.pair()
    r = control(pod, phone, [bf.OP_MODE_SET, 4, 1, 175, 0], True)
    assert r == bytes([0x86, 4, 0, 1, 175, 0])
    assert pod.app.cues.mode == 1 and pod.app.settings.values["metronome_spm"] == 175
    r = control(pod, phone, [bf.OP_MODE_GET, 5])
    assert r == bytes([0x85, 5, 0, 1, 175, 0])
    r = control(pod, phone, [bf.OP_INFO, 6])
    names, crc = bf.settings_table(pod.app.settings.values)
    assert struct.unpack_from("<BBHBBH", r, 3) == (1, len(names), crc, 0, 1, 175)


def test_cue_events_are_notified(demo):
    pod = Pod(demo)
    phone = pod.adapter.central_connect("phone", mtu=185)
    phone.subscribe(bf.FOOTFALL_EVENT_UUID)
    pod.app.settings.set("cadence_low_spm", 180)       # the demo runs ~170 spm: alerts fire
    pod.app.settings.set("alert_spacing_s", 5)
    pod.app.cues.configure(pod.app.settings)
    pod.app.set_mode(2)
    pod.run(45)
    events = [bf.unpack_event(x) for x in phone.notifications(bf.FOOTFALL_EVENT_UUID)]
    kinds = [e[0] for e in events]
    sent = [k for _t, k in pod.cues if k >= 3]
    # mode_alerts cue, cadence-low alerts
    assert kinds == sent and 12 in kinds and 4 in kinds
    assert all(k not in (1, 2) for k in kinds)                   # beats are not sent


def test_a_ble_fault_never_reaches_the_loop(demo):
    pod = Pod(demo)
    watch = pod.adapter.central_connect("watch")
    watch.subscribe(0x2A53)
    pod.link.rsc = None                                          # break the link on purpose
    pod.run(10)
    assert pod.link.errors > 0 and "NoneType" in pod.link.last_error


def test_a_burst_of_requests_between_two_polls_is_answered_in_full(phone_pod):
    """The most one central can write during a 600 ms loop pass (one write per 7.5 ms
    connection event: 80) all wait in the packet buffer and are all answered, in order."""
    pod, phone = phone_pod
    k = key_of("metronome_spm")
    for seq in range(80):
        phone.write(bf.FOOTFALL_CONTROL_UUID, bytes([bf.OP_SETTING_GET, seq, k]))
    pod.poll()
    got = phone.notifications(bf.FOOTFALL_CONTROL_UUID)
    assert [(r[1], r[2]) for r in got] == [(seq, bf.STATUS_OK) for seq in range(80)]
    buffers = [lst for c in pod.adapter.services for ch in c.characteristics
               for lst in ch._listeners if hasattr(lst, "dropped")]
    assert buffers and all(b.dropped == 0 for b in buffers)
    # beyond the ring's 984 bytes the stack drops the OLDEST packets (CircuitPython's
    # PacketBuffer does, without telling the firmware): of 300 requests of 2 + 3 bytes, the
    # last 196 are answered
    for seq in range(80, 380):
        phone.write(bf.FOOTFALL_CONTROL_UUID, bytes([bf.OP_SETTING_GET, seq & 0xFF, k]))
    pod.poll()
    later = phone.notifications(bf.FOOTFALL_CONTROL_UUID)[80:]
    assert [r[1] for r in later] == [seq & 0xFF for seq in range(380 - 984 // 5, 380)]


def test_sc_control_point_needs_an_encrypted_link(demo):
    """Calibration and distance change the speed and distance every central gets: an unpaired
    central's write is refused by the stack and nothing changes."""
    pod = Pod(demo)
    watch = pod.adapter.central_connect("watch")
    watch.subscribe(RSC_CP)
    pod.run(10)
    before = snapshot(pod)
    for payload in ([2], [1, 0x10, 0x27, 0, 0], [3, 2]):
        with pytest.raises(pod.standin.AttError) as e:
            watch.write(RSC_CP, bytes(payload))
        assert e.value.code == 0x05
    pod.poll()
    assert watch.notifications(RSC_CP) == [] and snapshot(pod) == before


@pytest.mark.parametrize("start_ms", [0, (1 << 29) - 2500])
def test_stopping_sends_zero_speed_at_1_hz_across_the_tick_wrap(start_ms):
    """ticks_ms wraps at 2**29 ms: the keepalive counts with ticks_diff, so a wrap in the
    middle of a stop changes nothing."""
    pod = Pod()
    watch = pod.adapter.central_connect("watch")
    watch.subscribe(0x2A53)
    pod.link._last_stride_ms = start_ms
    pod.link._last_rsc_ms = start_ms
    pod.link.speed.speed_q8 = 700
    for t in range(0, 6001, 50):
        pod.link.poll((start_ms + t) & ((1 << 29) - 1))
    got = [bf.unpack_rsc(x) for x in watch.notifications(0x2A53)]
    assert len(got) == 3 and all(g[1] == 0 for g in got)          # 4, 5, 6 s: one a second
