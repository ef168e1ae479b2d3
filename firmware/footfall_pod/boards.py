"""Board profiles: every pin and part the pod uses, in one place.

The firmware looks pins up by name (``getattr(board, profile["button"])``), and the wiring
table in hardware/README.md is generated from and checked against these same dicts, so the
two cannot disagree. Values are plain strings and integers so that this file runs unchanged
on CircuitPython, MicroPython and CPython.

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
}

PROFILES = (XIAO_NRF52840_SENSE, FEATHER_NRF52840_SENSE)


def profile_for(board_id):
    """The profile whose board_id matches; the XIAO (the reference pod) when none does."""
    for profile in PROFILES:
        if profile["board_id"] == board_id:
            return profile
    return XIAO_NRF52840_SENSE
