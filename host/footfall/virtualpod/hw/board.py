"""Emulated board: the pins named in the board profile, plus the board id."""
import _vpod

board_id = _vpod.world.profile["board_id"]


def _pins():
    g = globals()
    for key in _vpod.world.profile:
        v = _vpod.world.profile[key]
        if isinstance(v, str) and key != "board_id" and key != "imu_part":
            g[v] = _vpod.world.pin(v)
    for name in ("SCL", "SDA", "D0", "D1", "D2", "D3", "D4", "D5", "D6", "D7"):
        g[name] = _vpod.world.pin(name)


_pins()


def I2C():
    import busio
    return busio.I2C(_vpod.world.pin("SCL"), _vpod.world.pin("SDA"))
