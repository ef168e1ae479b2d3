"""CPython stand-in for MicroPython's `micropython` module (const and the no-op decorators)."""


def const(x):
    return x


def native(f):
    return f


def viper(f):
    return f


def heap_lock():
    return 0


def heap_unlock():
    return 0
