"""The command line a new user meets: --version, help on every option, the examples in the
help text work, Bluetooth commands without a radio answer in one line, and `sim` finds the
pod's libraries."""
import argparse
import re

import pytest

from footfall.cli import build_parser, main


def _walk(parser, path=("footfall",)):
    """(command path, parser, action) for every argument of every (sub)command."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {c.dest: c.help for c in action._choices_actions}
            for name, sub in action.choices.items():
                yield path + (name,), sub, ("subcommand", helps.get(name))
                yield from _walk(sub, path + (name,))
        elif action.dest != "help" and not isinstance(action, argparse._VersionAction):
            yield path, parser, action


def test_version(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert re.fullmatch(r"footfall \d+\.\d+\.\S+\n", capsys.readouterr().out)


def test_every_command_and_option_has_help_and_states_its_default():
    missing, no_default = [], []
    for path, _parser, action in _walk(build_parser()):
        if isinstance(action, tuple):
            if not action[1]:
                missing.append(" ".join(path))
            continue
        flag = action.option_strings[0] if action.option_strings else action.dest
        name = " ".join(path) + " " + flag
        if not action.help:
            missing.append(name)
        elif (action.option_strings and not action.required
              and action.default not in (None, False) and "default" not in action.help):
            no_default.append(name)
    assert not missing, missing
    assert not no_default, no_default


def test_decode_rsc_accepts_its_own_help_example(capsys):
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    ble = sub.choices["ble"]
    bsub = next(a for a in ble._actions if isinstance(a, argparse._SubParsersAction))
    hex_arg = next(a for a in bsub.choices["decode-rsc"]._actions if a.dest == "hex")
    example = re.search(r"e\.g\. '([^']+)'", hex_arg.help).group(1)
    assert main(["ble", "decode-rsc", example]) == 0
    out = capsys.readouterr().out
    # the figures the help text promises
    assert '"speed_mps": 3.5' in out and '"cadence_spm": 172' in out
    assert '"stride_length_m": 1.22' in out and '"total_distance_m": 1234.5' in out


@pytest.mark.parametrize("argv", [["pull"], ["pull", "--list"], ["live", "--duration", "1"],
                                  ["ble", "mode", "quiet"],
                                  ["ble", "mode", "alerts", "--address", "AA:BB:CC:DD:EE:FF"],
                                  ["settings", "--push", "firmware/settings.toml"]])
@pytest.mark.parametrize("failure", ["no_dbus", "not_available"])
def test_ble_commands_without_a_radio_answer_in_one_line(monkeypatch, capsys, argv, failure):
    """What bleak raises on a machine without Bluetooth (no system D-Bus socket; BlueZ
    reporting no radio) from the scan or the connect, whichever comes first."""
    from bleak.exc import BleakBluetoothNotAvailableError, BleakBluetoothNotAvailableReason

    from footfall import ble_client as bc

    def fail(*_args, **_kw):
        if failure == "no_dbus":
            raise FileNotFoundError(2, "No such file or directory")
        raise BleakBluetoothNotAvailableError("no Bluetooth adapters found",
                                              BleakBluetoothNotAvailableReason.NO_BLUETOOTH)

    class NoRadioClient:
        def __init__(self, address):
            self.address = address

        async def connect(self):
            fail()

    async def scan(timeout_s=None):
        fail()

    monkeypatch.setattr(bc, "find_address", scan)
    monkeypatch.setattr(bc, "make_client", NoRadioClient)
    monkeypatch.chdir(__import__("pathlib").Path(__file__).resolve().parents[1])
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no Bluetooth adapter found: " in err, err
    assert "Traceback" not in err


def test_a_failure_with_the_pod_is_not_called_a_missing_radio():
    from bleak.exc import BleakError

    from footfall.ble_client import radio_problem

    assert radio_problem(BleakError("Device with address AA:BB was not found")) is None
    assert radio_problem(TimeoutError()) is None


def test_sim_finds_the_pod_libraries_or_says_what_to_run(tmp_path, monkeypatch):
    from footfall.errors import InputError
    from footfall.virtualpod import runner

    # the folder make pod-lib fills is found as it is
    assert runner.ensure_pod_lib() == runner.LIB_DIR
    # missing, and pip cannot reach an index: one line naming what to run
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:9/simple")
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", "")
    with pytest.raises(InputError, match="make pod-lib"):
        runner.ensure_pod_lib(tmp_path / "lib")
    assert not (tmp_path / "lib").exists()


@pytest.mark.parametrize("argv, problem", [
    (["--minutes", "-1"], "--minutes: -1 is outside 0.1-240 minutes"),
    (["--minutes", "nan"], "--minutes: nan is outside 0.1-240 minutes"),
    (["--minutes", "1e9"], "--minutes: 1e+09 is outside 0.1-240 minutes"),
    (["--seed", "-5"], "--seed: -5 is outside 0-4294967295")])
def test_simulate_bad_values_are_one_line(tmp_path, capsys, argv, problem):
    assert main(["simulate", "--out", str(tmp_path / "s.fft")] + argv) == 2
    err = capsys.readouterr().err
    assert problem in err and err.count("\n") == 1


def test_simulate_unwritable_output_is_one_line(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["simulate", "--out", str(blocker / "s.fft"), "--minutes", "0.2"]) == 2
    err = capsys.readouterr().err
    assert "cannot write" in err and err.count("\n") == 1
