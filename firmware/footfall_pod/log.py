"""The pod's log: one line to the serial console and, when the drive is writable, appended
to footfall.log at the drive root (kept under LOG_MAX_BYTES: the older half moves to
footfall.log.1). Only for rare events (boot, errors, state changes), never per sample."""
import os

LOG_PATH = "footfall.log"
LOG_MAX_BYTES = 16384


class Log:
    def __init__(self):
        self.writable = False
        self.lines = 0
        self.write_errors = 0

    def __call__(self, message):
        line = "footfall: " + message
        print(line)
        self.lines += 1
        if not self.writable:
            return
        try:
            try:
                size = os.stat(LOG_PATH)[6]
            except OSError:
                size = 0
            if size > LOG_MAX_BYTES:
                try:
                    os.remove(LOG_PATH + ".1")
                except OSError:
                    pass
                os.rename(LOG_PATH, LOG_PATH + ".1")
            with open(LOG_PATH, "a") as f:
                f.write(line + "\n")
        except OSError:
            self.write_errors += 1          # a full or read-only drive must not stop the pod
