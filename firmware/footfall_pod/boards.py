"""Board profiles: every pin and part the pod uses, in one place.

The firmware looks pins up by name (``getattr(board, profile["button"])``), and the wiring
table in hardware/README.md is generated from and checked against these same dicts, so the
two cannot disagree. Values are plain strings, integers and dicts of strings so that this
file runs unchanged on CircuitPython, MicroPython and CPython.

Keys (a key missing or None means the board has no such part):
  board_id          CircuitPython board id (``board.board_id``)
  imu_scl/imu_sda   I2C pins of the LSM6DS IMU
  imu_address       7-bit I2C address of the IMU
  imu_power         pin that must be driven high to power the IMU (None: always powered)
  imu_int1          IMU INT1 (wake-up on motion) pin
  haptic_scl/_sda   I2C pins of the external DRV2605L haptic driver
  motor_pwm         PWM pin of a transistor-driven coin vibration motor
  piezo_pwm         PWM pin of the piezo beeper
  button            the single user button (to GND, internal pull-up, active low)
  led_red/_green/_blue  status LED pins; led_active_low says how they are driven
  battery_adc       ADC pin that sees the battery through a divider
  battery_enable    pin driven low to connect the divider (None: always connected)
  battery_divider_num/_den  battery voltage = adc voltage * num / den
  haptic_address    7-bit I2C address of the DRV2605L (fixed by the chip)
  charge_status     pin that reads low while the on-board charger charges (None: not wired)
  pad_labels        silkscreen label of every pad the builder solders to, by ``board`` name or
                    by supply name (3V3, GND, BAT+, BAT-); used by the wiring table
  pad_positions     where each of those pads sits, seen from the component side with the USB-C
                    connector at the top: "L<n>"/"R<n>" = left/right edge, n-th pad from the
                    USB end; "B" = on the back or on board; "J" = connector. On the Feather,
                    L is the 16-pin header (RST 3V AREF GND ...) and R the 12-pin header
                    (BAT EN USB 13 ... SCL SDA). Used by the wiring SVG.
"""

XIAO_NRF52840_SENSE = {
    "board_id": "Seeed_XIAO_nRF52840_Sense",
    "imu_part": "LSM6DS3TR-C",
    "imu_scl": "IMU_SCL",
    "imu_sda": "IMU_SDA",
    "imu_address": 0x6A,
    "imu_power": "IMU_PWR",
    "imu_int1": "IMU_INT1",
    "haptic_scl": "SCL",          # D5
    "haptic_sda": "SDA",          # D4
    "motor_pwm": "D2",
    "piezo_pwm": "D3",
    "button": "D1",
    "led_red": "LED_RED",
    "led_green": "LED_GREEN",
    "led_blue": "LED_BLUE",
    "led_active_low": 1,
    "battery_adc": "VBATT",
    "battery_enable": "READ_BATT_ENABLE",
    "battery_divider_num": 1510,  # 1 MOhm over 510 kOhm on the XIAO
    "battery_divider_den": 510,
    "haptic_address": 0x5A,
    "charge_status": "CHARGE_STATUS",
    "pad_labels": {
        "D1": "D1", "D2": "D2", "D3": "D3", "SDA": "D4/SDA", "SCL": "D5/SCL",
        "3V3": "3V3", "GND": "GND", "BAT+": "BAT+", "BAT-": "BAT-",
    },
    "pad_positions": {
        "D1": "L2", "D2": "L3", "D3": "L4", "SDA": "L5", "SCL": "L6",
        "3V3": "R3", "GND": "R2", "BAT+": "B", "BAT-": "B",
    },
}

FEATHER_NRF52840_SENSE = {
    "board_id": "feather_bluefruit_sense",
    "imu_part": "LSM6DS3TR-C",    # early boards carry the register-compatible LSM6DS33
    "imu_scl": "SCL",
    "imu_sda": "SDA",
    "imu_address": 0x6A,
    "imu_power": None,
    "imu_int1": "ACCELEROMETER_GYRO_INTERRUPT",
    "haptic_scl": "SCL",          # shares the board's I2C bus (STEMMA QT)
    "haptic_sda": "SDA",
    "motor_pwm": "D5",
    "piezo_pwm": "D6",
    "button": "SWITCH",
    "led_red": "RED_LED",
    "led_green": None,
    "led_blue": "BLUE_LED",
    "led_active_low": 0,
    "battery_adc": "VOLTAGE_MONITOR",
    "battery_enable": None,
    "battery_divider_num": 2,     # 100 kOhm / 100 kOhm
    "battery_divider_den": 1,
    "haptic_address": 0x5A,
    "charge_status": None,
    "pad_labels": {
        "SCL": "SCL", "SDA": "SDA", "D5": "5", "D6": "6", "SWITCH": "UserSw (on board)",
        "3V3": "3V", "GND": "GND", "BAT+": "JST-PH +", "BAT-": "JST-PH -",
    },
    "pad_positions": {
        "SCL": "R11", "SDA": "R12", "D5": "R10", "D6": "R9", "SWITCH": "B",
        "3V3": "L2", "GND": "L4", "BAT+": "J", "BAT-": "J",
    },
}

PROFILES = (XIAO_NRF52840_SENSE, FEATHER_NRF52840_SENSE)


def profile_for(board_id):
    """The profile whose board_id matches; the XIAO (the reference pod) when none does."""
    for profile in PROFILES:
        if profile["board_id"] == board_id:
            return profile
    return XIAO_NRF52840_SENSE
