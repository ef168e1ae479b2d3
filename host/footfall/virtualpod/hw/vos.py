"""Emulated `os` (installed as sys.modules["os"] while the pod runs): the real file calls on
the flash folder (the pod's cwd), statvfs reporting the emulated flash capacity, and sync."""
import _vpod
import os as _os

sep = "/"


def _used(path):
    total = 0
    for name in _os.listdir(path):
        p = path + "/" + name
        st = _os.stat(p)
        if st[0] & 0x4000:
            total += _vpod.world.flash_block + _used(p)
        else:
            b = _vpod.world.flash_block
            total += (st[6] + b - 1) // b * b
    return total


def statvfs(path):
    w = _vpod.world
    b = w.flash_block
    blocks = w.flash_capacity // b
    free = blocks - _used(w.flash_dir) // b
    if free < 0:
        free = 0
    return (b, b, blocks, free, free, 0, 0, 0, 0, 255)


def sync():
    pass


def listdir(path="."):
    return _os.listdir(path)


def mkdir(path):
    if _vpod.world.fs_readonly:
        raise OSError(30)           # EROFS: the drive belongs to USB
    _os.mkdir(path)


def remove(path):
    if _vpod.world.fs_readonly:
        raise OSError(30)
    _os.remove(path)


def rename(a, b):
    if _vpod.world.fs_readonly:
        raise OSError(30)
    if _os.path.exists(b):
        raise OSError(17)           # EEXIST: FatFs f_rename never replaces a file
    _os.rename(a, b)


def rmdir(path):
    _os.rmdir(path)


def stat(path):
    return _os.stat(path)


def getcwd():
    return _os.getcwd()


def chdir(path):
    _os.chdir(path)


def getenv(key, default=None):
    return default


def urandom(n):
    return bytes(n)


def uname():
    return ("nrf52840", "footfall-vpod", "9.2.0", "virtual pod", _vpod.world.profile["board_id"])
