"""A local `_bleio` stand-in: the peripheral half of CircuitPython's native BLE module, plus
the radio's other end (fake centrals) so tests can drive it.

Install it with ``install()`` (puts this module in ``sys.modules["_bleio"]``) before
importing ``adafruit_ble``; the REAL adafruit_ble classes (BLERadio, Service, Characteristic,
StructCharacteristic, advertising) then build their GATT table on it, exactly as on the pod.

What it models (CircuitPython 10, nRF port semantics):
- UUID (16- and 128-bit, little-endian packing), Address, Attribute security modes,
  Characteristic property bits.
- Characteristic.add_to_service with max_length / fixed_length checks: a local value that
  breaks them raises ValueError as on the device. Setting a local value notifies (or
  indicates) every connection whose central subscribed through the CCCD.
- PacketBuffer (a FIFO of whole written packets; write() notifies the connection that last
  wrote or subscribed, limited to that connection's MTU - 3) and CharacteristicBuffer.
- Adapter: advertising (stops when a central connects, as connectable advertising does on
  the nRF SoftDevice), connections (up to ``max_connections``), name, address.
- Connection: connected, paired (= encrypted link), pair(), disconnect().

The fake central (``Adapter.central_connect``) is the other side: it discovers services,
reads, writes (with the ATT checks a real stack makes: write permission, encryption,
length -> ``AttError`` with the ATT error code), subscribes through the CCCD, pairs, and
receives notifications and indications. Nothing here accepts an arbitrary call: an API the
stand-in lacks raises AttributeError.
"""
import struct
import sys

# ---- ATT error codes (Core spec Vol 3 Part F 3.4.1.1) ---------------------------------
ATT_READ_NOT_PERMITTED = 0x02
ATT_WRITE_NOT_PERMITTED = 0x03
ATT_INSUFFICIENT_AUTHENTICATION = 0x05
ATT_INVALID_OFFSET = 0x07
ATT_INVALID_ATTRIBUTE_LENGTH = 0x0D
ATT_CCCD_IMPROPER = 0xFD


class AttError(Exception):
    """An ATT error response to the central's request."""

    def __init__(self, code, what=""):
        self.code = code
        super().__init__("ATT error 0x%02X%s" % (code, (": " + what) if what else ""))


class BluetoothError(Exception):
    """_bleio.BluetoothError"""


class ConnectionError(BluetoothError):  # noqa: A001 - the _bleio name
    """_bleio.ConnectionError"""


class Attribute:
    NO_ACCESS = 0x00
    OPEN = 0x11
    ENCRYPT_NO_MITM = 0x21
    ENCRYPT_WITH_MITM = 0x31
    LESC_ENCRYPT_WITH_MITM = 0x41
    SIGNED_NO_MITM = 0x12
    SIGNED_WITH_MITM = 0x22


_ENCRYPTED_MODES = (Attribute.ENCRYPT_NO_MITM, Attribute.ENCRYPT_WITH_MITM,
                    Attribute.LESC_ENCRYPT_WITH_MITM, Attribute.SIGNED_NO_MITM,
                    Attribute.SIGNED_WITH_MITM)


class UUID:
    """16-bit (int) or 128-bit (string 'xxxxxxxx-xxxx-...' or 16 little-endian bytes)."""

    def __init__(self, value):
        if isinstance(value, int):
            if not 0 <= value <= 0xFFFF:
                raise ValueError("UUID integer value must be 0-0xffff")
            self._uuid16 = value
            self._uuid128 = None
            return
        if isinstance(value, str):
            h = value.replace("-", "")
            if len(h) != 32:
                raise ValueError("UUID string not 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx'")
            self._uuid128 = bytes(reversed(bytes.fromhex(h)))
        else:
            b = bytes(value)
            if len(b) != 16:
                raise ValueError("UUID value is not str, int or byte buffer")
            self._uuid128 = b
        self._uuid16 = self._uuid128[12] | (self._uuid128[13] << 8)

    @property
    def uuid16(self):
        return self._uuid16

    @property
    def uuid128(self):
        if self._uuid128 is None:
            raise AttributeError("not a 128-bit UUID")
        return self._uuid128

    @property
    def size(self):
        return 16 if self._uuid128 is None else 128

    def pack_into(self, buffer, offset=0):
        if self._uuid128 is None:
            struct.pack_into("<H", buffer, offset, self._uuid16)
        else:
            buffer[offset:offset + 16] = self._uuid128

    def key(self):
        return self._uuid16 if self._uuid128 is None else self._uuid128

    def __eq__(self, other):
        return isinstance(other, UUID) and self.key() == other.key()

    def __hash__(self):
        return hash(self.key())

    def __str__(self):
        if self._uuid128 is None:
            return "0x%04x" % self._uuid16
        h = bytes(reversed(self._uuid128)).hex()
        return "%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:])

    __repr__ = __str__


def _buffer(data):
    """bytes of a readable buffer (MicroPython's str is one, as UTF-8)."""
    if isinstance(data, str):
        return data.encode("utf-8")
    return bytes(data)


class Address:
    PUBLIC = 0
    RANDOM_STATIC = 1
    RANDOM_PRIVATE_RESOLVABLE = 2
    RANDOM_PRIVATE_NON_RESOLVABLE = 3

    def __init__(self, address, address_type):
        self.address_bytes = bytes(address)
        if len(self.address_bytes) != 6:
            raise ValueError("Address must be 6 bytes long")
        self.type = address_type

    def __eq__(self, other):
        return isinstance(other, Address) and self.address_bytes == other.address_bytes

    def __hash__(self):
        return hash(self.address_bytes)

    def __str__(self):
        return ":".join("%02X" % b for b in reversed(self.address_bytes))


class Service:
    def __init__(self, uuid, *, secondary=False):
        self.uuid = uuid
        self.secondary = secondary
        self.remote = False
        self.connection = None
        self._characteristics = []
        adapter._add_service(self)

    @property
    def characteristics(self):
        return tuple(self._characteristics)


class Descriptor:
    def __init__(self, characteristic, uuid, initial_value, max_length):
        self.characteristic = characteristic
        self.uuid = uuid
        self.value = bytes(initial_value or b"")
        self.max_length = max_length

    @classmethod
    def add_to_characteristic(cls, characteristic, uuid, *, read_perm=Attribute.OPEN,
                              write_perm=Attribute.OPEN, max_length=20, fixed_length=False,
                              initial_value=b""):
        d = cls(characteristic, uuid, initial_value, max_length)
        characteristic._descriptors.append(d)
        return d


class Characteristic:
    BROADCAST = 0x01
    READ = 0x02
    WRITE_NO_RESPONSE = 0x04
    WRITE = 0x08
    NOTIFY = 0x10
    INDICATE = 0x20

    def __init__(self, service, uuid, properties, read_perm, write_perm, max_length,
                 fixed_length, initial_value):
        self.service = service
        self.uuid = uuid
        self.properties = properties
        self.read_perm = read_perm
        self.write_perm = write_perm
        self.max_length = max_length
        self.fixed_length = fixed_length
        self._descriptors = []
        self._value = b""
        self._listeners = []          # PacketBuffer / CharacteristicBuffer bound to it
        initial_value = _buffer(initial_value)
        self._check_length(initial_value)
        self._value = initial_value

    @classmethod
    def add_to_service(cls, service, uuid, *, properties=0, read_perm=Attribute.OPEN,
                       write_perm=Attribute.OPEN, max_length=20, fixed_length=False,
                       initial_value=None, user_description=None):
        if max_length > 512 or (fixed_length and max_length > 510):
            raise ValueError("max_length must be <= 512 (510 if fixed_length)")
        if initial_value is None:
            initial_value = bytes(max_length if fixed_length else 0)
        c = cls(service, uuid, properties, read_perm, write_perm, max_length, fixed_length,
                initial_value)
        service._characteristics.append(c)
        return c

    @property
    def descriptors(self):
        return tuple(self._descriptors)

    def _check_length(self, data):
        n = len(data)
        if self.fixed_length and n != self.max_length:
            raise ValueError("Value length != required fixed length")
        if n > self.max_length:
            raise ValueError("Value length > max_length")

    @property
    def value(self):
        return self._value

    @value.setter
    def value(self, data):
        data = _buffer(data)
        self._check_length(data)
        self._value = data
        # the SoftDevice sends the new value to every subscribed connection
        for conn in adapter.connections:
            conn._send_if_subscribed(self, data)

    def set_cccd(self, *, notify=False, indicate=False):
        raise BluetoothError("set_cccd is for remote characteristics (the pod has none)")


class PacketBuffer:
    """Whole incoming packets in a FIFO; outgoing packets to the last writer/subscriber.

    As CircuitPython's ports keep them: a byte ring of buffer_size x (2 + max_packet_size)
    bytes, each packet a u16 length then its bytes; a packet that does not fit makes room by
    dropping the OLDEST packets (``dropped`` counts them: the firmware cannot see them)."""

    def __init__(self, characteristic, *, buffer_size, max_packet_size=None):
        self.characteristic = characteristic
        self.buffer_size = buffer_size
        self.max_packet_size = max_packet_size or characteristic.max_length
        self.capacity = buffer_size * (2 + self.max_packet_size)
        self._packets = []
        self._conn = None
        self._deinited = False
        self.dropped = 0
        characteristic._listeners.append(self)

    def _incoming(self, conn, data):
        self._conn = conn
        need = 2 + len(data)
        if need > self.capacity:
            return
        while self.capacity - sum(2 + len(p) for p in self._packets) < need:
            self._packets.pop(0)
            self.dropped += 1
        self._packets.append(bytes(data))

    def _subscribed(self, conn):
        self._conn = conn

    def readinto(self, buf):
        self._check()
        if not self._packets:
            return 0
        p = self._packets[0]
        if len(p) > len(buf):
            raise ValueError("Buffer too short by %d bytes" % (len(p) - len(buf)))
        self._packets.pop(0)
        buf[0:len(p)] = p
        return len(p)

    def write(self, data, *, header=None):
        self._check()
        data = bytes(header or b"") + bytes(data)
        conn = self._conn
        if conn is None or not conn.connected:
            return 0
        limit = self.outgoing_packet_length
        if len(data) > limit:
            raise ValueError("Total data to write is larger than outgoing_packet_length")
        conn._send_if_subscribed(self.characteristic, data)
        return len(data)

    @property
    def incoming_packet_length(self):
        return self.max_packet_size

    @property
    def outgoing_packet_length(self):
        conn = self._conn
        if conn is None or not conn.connected:
            return None
        return min(self.max_packet_size, conn.mtu - 3)

    def _check(self):
        if self._deinited:
            raise ValueError("Object has been deinitialized and can no longer be used")

    def deinit(self):
        self._deinited = True
        if self in self.characteristic._listeners:
            self.characteristic._listeners.remove(self)


class CharacteristicBuffer:
    """A byte FIFO of everything centrals write to a characteristic."""

    def __init__(self, characteristic, *, timeout=1.0, buffer_size=64):
        self.characteristic = characteristic
        self.buffer_size = buffer_size
        self._data = bytearray()
        characteristic._listeners.append(self)

    def _incoming(self, conn, data):
        room = self.buffer_size - len(self._data)
        self._data += bytes(data)[:max(room, 0)]

    def _subscribed(self, conn):
        pass

    @property
    def in_waiting(self):
        return len(self._data)

    def read(self, nbytes=None):
        n = len(self._data) if nbytes is None else min(nbytes, len(self._data))
        if n == 0:
            return None
        out = bytes(self._data[:n])
        del self._data[:n]
        return out

    def readinto(self, buf):
        n = min(len(buf), len(self._data))
        buf[0:n] = self._data[:n]
        del self._data[:n]
        return n

    def reset_input_buffer(self):
        self._data = bytearray()

    def deinit(self):
        if self in self.characteristic._listeners:
            self.characteristic._listeners.remove(self)


class Connection:
    """The pod's view of one connected central."""

    def __init__(self, central, mtu):
        self._central = central
        self.connected = True
        self.paired = False
        self.bonded = False
        self.mtu = mtu
        self.connection_interval = 30.0
        self._cccd = {}           # characteristic -> (notify, indicate)

    @property
    def max_packet_length(self):
        return self.mtu - 3

    def pair(self, *, bond=True):
        self.paired = True
        self.bonded = bond

    def disconnect(self):
        if self.connected:
            self.connected = False
            adapter._drop(self)

    def discover_remote_services(self, service_uuids_whitelist=None):
        return ()                 # the pod is a peripheral: it has no use for the peer's GATT

    def _send_if_subscribed(self, characteristic, data):
        notify, indicate = self._cccd.get(characteristic, (False, False))
        if not self.connected or not (notify or indicate):
            return
        data = bytes(data)[:self.mtu - 3]     # an ATT notification carries at most MTU - 3
        kind = "indicate" if indicate and not notify else "notify"
        self._central._receive(characteristic, data, kind)


class ScanEntry:
    def __init__(self, address, advertisement_bytes, rssi=-50, connectable=True,
                 scan_response=False):
        self.address = address
        self.advertisement_bytes = advertisement_bytes
        self.rssi = rssi
        self.connectable = connectable
        self.scan_response = scan_response

    def matches(self, prefixes, *, match_all=True):
        return True


class Adapter:
    """The pod's radio. Also the meeting point of fake centrals (tests)."""

    def __init__(self, max_connections=4):
        self.enabled = True
        self.name = "CIRCUITPY"
        self.address = Address(bytes([0x11, 0x22, 0x33, 0x44, 0x55, 0xC6]), Address.RANDOM_STATIC)
        self.max_connections = max_connections
        self.advertising = False
        self.advertisement_data = b""
        self.scan_response_data = b""
        self.connectable = False
        self.services = []
        self._connections = []
        self.bonds = set()
        self.on_advertise = None      # called after start_advertising (a central may connect)

    # -- the pod's API (CircuitPython _bleio.Adapter) --
    def start_advertising(self, data, *, scan_response=None, connectable=True, anonymous=False,
                          timeout=0, interval=0.1, tx_power=0, directed_to=None):
        if len(data) > 31 or len(scan_response or b"") > 31:
            raise ValueError("Data too large for advertisement packet")
        if self.advertising:
            raise BluetoothError("Already advertising")
        self.advertisement_data = bytes(data)
        self.scan_response_data = bytes(scan_response or b"")
        self.connectable = connectable
        self.advertising = True
        if self.on_advertise is not None:
            self.on_advertise(self)

    def stop_advertising(self):
        self.advertising = False

    @property
    def connections(self):
        return tuple(c for c in self._connections if c.connected)

    @property
    def connected(self):
        return bool(self.connections)

    def erase_bonding(self):
        self.bonds.clear()

    def start_scan(self, *args, **kwargs):
        raise NotImplementedError("the pod does not scan")

    def connect(self, address, *, timeout):
        raise NotImplementedError("the pod does not connect out")

    # -- the other side of the radio (tests, fake bleak backend) --
    def _add_service(self, service):
        self.services.append(service)

    def _drop(self, conn):
        if conn in self._connections:
            self._connections.remove(conn)

    def central_connect(self, name="central", mtu=23, address=None):
        """A central connects to the advertising pod; returns a FakeCentral."""
        if not self.advertising or not self.connectable:
            raise ConnectionError("the pod is not advertising connectably")
        if len(self.connections) >= self.max_connections:
            raise ConnectionError("connection limit reached")
        central = FakeCentral(self, name, mtu, address)
        self._connections.append(central.connection)
        self.advertising = False          # connectable advertising stops on connection
        if central.address in self.bonds:
            central.connection.paired = True
            central.connection.bonded = True
        return central


class FakeCentral:
    """A phone or a watch connected to the pod, as far as the GATT server can tell."""

    def __init__(self, adapter_, name, mtu, address):
        self.adapter = adapter_
        self.name = name
        self.address = address or name
        self.connection = Connection(self, mtu)
        self.received = []        # (characteristic, bytes, "notify" | "indicate")
        self.clock = None         # optional: a function giving the time each value arrives
        self.times = []
        self._callbacks = {}

    @property
    def services(self):
        return list(self.adapter.services)

    def characteristic(self, uuid):
        """The characteristic with this UUID (an int, a string or a _bleio.UUID)."""
        if not isinstance(uuid, UUID):
            uuid = UUID(uuid)
        for s in self.adapter.services:
            for c in s._characteristics:
                if c.uuid == uuid:
                    return c
        raise KeyError("no characteristic %s" % uuid)

    def _require(self, perm):
        if perm == Attribute.NO_ACCESS:
            return False
        if perm in _ENCRYPTED_MODES and not self.connection.paired:
            raise AttError(ATT_INSUFFICIENT_AUTHENTICATION, "link not encrypted")
        return True

    def read(self, uuid):
        self._check_connected()
        c = self.characteristic(uuid)
        if not c.properties & Characteristic.READ or not self._require(c.read_perm):
            raise AttError(ATT_READ_NOT_PERMITTED)
        return bytes(c._value)

    def write(self, uuid, data, response=True):
        self._check_connected()
        c = self.characteristic(uuid)
        prop = Characteristic.WRITE if response else Characteristic.WRITE_NO_RESPONSE
        if not c.properties & prop or not self._require(c.write_perm):
            raise AttError(ATT_WRITE_NOT_PERMITTED)
        data = bytes(data)
        if len(data) > c.max_length or (c.fixed_length and len(data) != c.max_length):
            raise AttError(ATT_INVALID_ATTRIBUTE_LENGTH)
        if len(data) > self.connection.mtu - 3:
            raise AttError(ATT_INVALID_ATTRIBUTE_LENGTH, "longer than MTU - 3 (no long writes)")
        c._value = data
        for listener in c._listeners:
            listener._incoming(self.connection, data)

    def subscribe(self, uuid, callback=None):
        """Write the CCCD: notifications (or indications if that is all it offers)."""
        self._check_connected()
        c = self.characteristic(uuid)
        notify = bool(c.properties & Characteristic.NOTIFY)
        indicate = bool(c.properties & Characteristic.INDICATE) and not notify
        if not (notify or indicate):
            raise AttError(ATT_CCCD_IMPROPER, "neither notify nor indicate")
        self.connection._cccd[c] = (notify, indicate)
        self._callbacks[c] = callback
        for listener in c._listeners:
            listener._subscribed(self.connection)

    def unsubscribe(self, uuid):
        c = self.characteristic(uuid)
        self.connection._cccd.pop(c, None)
        self._callbacks.pop(c, None)

    def pair(self, bond=True):
        self.connection.pair(bond=bond)
        if bond:
            self.adapter.bonds.add(self.address)

    def disconnect(self):
        self.connection.disconnect()

    def _check_connected(self):
        if not self.connection.connected:
            raise ConnectionError("not connected")

    def _receive(self, characteristic, data, kind):
        self.received.append((characteristic, data, kind))
        if self.clock is not None:
            self.times.append(self.clock())
        cb = self._callbacks.get(characteristic)
        if cb is not None:
            cb(data)

    def notifications(self, uuid):
        """Every value received on that characteristic, oldest first."""
        c = self.characteristic(uuid)
        return [d for (ch, d, _k) in self.received if ch is c]


adapter = Adapter()


def reset(max_connections=4):
    """A fresh radio (between tests): no services, no connections."""
    global adapter
    adapter = Adapter(max_connections)
    return adapter


class Listener:
    """A central that connects to the pod as soon as it advertises and subscribes to every
    notifying characteristic (the virtual pod's `footfall sim --json` "ble" list)."""

    def __init__(self, clock, mtu=185):
        self.clock = clock
        self.mtu = mtu
        self.central = None
        self.log = []             # (time, characteristic UUID string, bytes) across reboots

    def _on_advertise(self, adapter_):
        if self.central is not None and self.central.connection.connected:
            return
        self.central = adapter_.central_connect("footfall-sim", mtu=self.mtu)
        self.central.clock = self.clock
        for s in adapter_.services:
            for c in s._characteristics:
                if c.properties & (Characteristic.NOTIFY | Characteristic.INDICATE):
                    self.central.subscribe(c.uuid, lambda data, u=str(c.uuid): self.log.append(
                        (self.clock(), u, bytes(data))))

    def reboot(self):
        """The pod reset (deep sleep): the link drops and the GATT table is rebuilt at boot."""
        global adapter
        on = adapter.on_advertise
        adapter = Adapter(adapter.max_connections)
        adapter.on_advertise = on


def install_listener(clock):
    """install(), a fresh radio, and a Listener that connects whenever the pod advertises."""
    install()
    a = reset()
    listener = Listener(clock)
    a.on_advertise = listener._on_advertise
    return listener


_THIS_MODULE = sys.modules[__name__]     # held here: a virtual-pod run restores sys.modules


def install():
    """Make this module the `_bleio` that `import _bleio` (adafruit_ble) finds."""
    sys.modules["_bleio"] = _THIS_MODULE
    return _THIS_MODULE
