"""Emulated storage: remount and the mount's read-only flag."""
import _vpod


class _Mount:
    label = "CIRCUITPY"

    @property
    def readonly(self):
        return _vpod.world.fs_readonly


def remount(mount_path, readonly=False, *, disable_concurrent_write_protection=False):
    _vpod.world.fs_readonly = bool(readonly)
    _vpod.world.remounts.append((_vpod.world.now_us, bool(readonly)))


def getmount(mount_path):
    return _Mount()


def disable_usb_drive():
    pass
