"""The pod's GATT services, declared with the real adafruit_ble classes.

- RSCService (0x1814): RSC Measurement (notify, 4-10 bytes), RSC Feature (u16, read),
  Sensor Location (u8, read), SC Control Point (write + indicate, a packet buffer so every
  write is seen as one request; its writes need an encrypted link, because calibration and
  distance changes alter what the pod sends to every central).
- FootfallService (128-bit UUIDs in footfall_core/ble_format.py): per-stride and cue-event
  notifications,
  an open control channel (reads: info, settings, mode, recordings) and a secure one whose
  writes need an encrypted link (settings and mode changes).
Battery (0x180F) and Device Information (0x180A) come from adafruit_ble itself.
"""
import _bleio
from adafruit_ble.attributes import Attribute
from adafruit_ble.characteristics import Characteristic, ComplexCharacteristic
from adafruit_ble.characteristics.int import Uint8Characteristic, Uint16Characteristic
from adafruit_ble.services import Service
from adafruit_ble.uuid import StandardUUID, VendorUUID

from footfall_core import ble_format as bf

# Requests buffered per characteristic between two polls. CircuitPython's PacketBuffer is a
# byte ring of PACKETS_QUEUED x (2 + max_packet_size) bytes: 984 bytes on a control channel,
# room for 109 requests of at most 9 bytes, 80 on the SC Control Point (11 of its longest).
# Writes need a response, so a central sends at most one per connection event (>= 7.5 ms):
# two centrals fill it only if one loop pass lasted over 400 ms (a pass sleeps <= 250 ms).
PACKETS_QUEUED = 4


class PacketCharacteristic(ComplexCharacteristic):
    """A characteristic bound to a _bleio.PacketBuffer: each central write is one packet,
    and PacketBuffer.write() notifies/indicates the central that wrote."""

    def bind(self, service):
        bound = super().bind(service)
        return _bleio.PacketBuffer(bound, buffer_size=PACKETS_QUEUED)


class RSCService(Service):
    uuid = StandardUUID(bf.RSC_SERVICE_UUID16)
    measurement = Characteristic(uuid=StandardUUID(bf.RSC_MEASUREMENT_UUID16),
                                 properties=Characteristic.NOTIFY,
                                 read_perm=Attribute.NO_ACCESS, write_perm=Attribute.NO_ACCESS,
                                 max_length=bf.RSC_MEASUREMENT_MAX, fixed_length=False,
                                 initial_value=bytes(4))
    feature = Uint16Characteristic(uuid=StandardUUID(bf.RSC_FEATURE_UUID16),
                                   properties=Characteristic.READ,
                                   write_perm=Attribute.NO_ACCESS,
                                   initial_value=bf.POD_FEATURES)
    location = Uint8Characteristic(uuid=StandardUUID(bf.SENSOR_LOCATION_UUID16),
                                   properties=Characteristic.READ,
                                   write_perm=Attribute.NO_ACCESS,
                                   initial_value=bf.LOCATION_TOP_OF_SHOE)
    control_point = PacketCharacteristic(uuid=StandardUUID(bf.SC_CONTROL_POINT_UUID16),
                                         properties=Characteristic.WRITE | Characteristic.INDICATE,
                                         read_perm=Attribute.NO_ACCESS,
                                         write_perm=Attribute.ENCRYPT_NO_MITM,
                                         max_length=bf.SC_CP_MAX)


class FootfallService(Service):
    uuid = VendorUUID(bf.FOOTFALL_SERVICE_UUID)
    stride = Characteristic(uuid=VendorUUID(bf.FOOTFALL_STRIDE_UUID),
                            properties=Characteristic.NOTIFY | Characteristic.READ,
                            write_perm=Attribute.NO_ACCESS,
                            max_length=bf.STRIDE_SIZE, fixed_length=True)
    events = Characteristic(uuid=VendorUUID(bf.FOOTFALL_EVENT_UUID),
                            properties=Characteristic.NOTIFY,
                            read_perm=Attribute.NO_ACCESS, write_perm=Attribute.NO_ACCESS,
                            max_length=bf.EVENT_SIZE, fixed_length=True)
    control = PacketCharacteristic(uuid=VendorUUID(bf.FOOTFALL_CONTROL_UUID),
                                   properties=Characteristic.WRITE | Characteristic.NOTIFY,
                                   read_perm=Attribute.NO_ACCESS,
                                   max_length=bf.CONTROL_MAX)
    secure = PacketCharacteristic(uuid=VendorUUID(bf.FOOTFALL_SECURE_UUID),
                                  properties=Characteristic.WRITE | Characteristic.NOTIFY,
                                  read_perm=Attribute.NO_ACCESS,
                                  write_perm=Attribute.ENCRYPT_NO_MITM,
                                  max_length=bf.CONTROL_MAX)
