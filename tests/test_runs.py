"""tfruns's flags() and tensorboard() (rkbridge/tracking/runs.py): command-line values
that R could not hold, command-line arguments that look like flags but are not read, and a
port another program holds."""
from __future__ import annotations

import socket

import pytest

from rkbridge.errors import RkValueError
from rkbridge.tracking import runs


def test_integer_flag_beyond_r_integers_is_an_error():
    # an R integer is 32-bit: 1e12 would wrap around to -727379968 on its way to R
    with pytest.raises(RkValueError, match=r'Flag "units" must be an integer value from'):
        runs.flags(runs.flag_integer("units", 64), arguments=["--units=1e12"])
    with pytest.raises(RkValueError, match='Flag "units"'):
        runs.flags(runs.flag_integer("units", 64), arguments=["--units=Inf"])
    with pytest.raises(RkValueError, match='Flag "units"'):
        runs.flag_integer("units", 2.0**31)
    assert runs.flags(runs.flag_integer("units", 64),
                      arguments=["--units=2147483647"])["units"] == 2**31 - 1
    assert runs.flags(runs.flag_numeric("units", 64),
                      arguments=["--units=1e12"])["units"] == 1e12


@pytest.mark.parametrize("arg", ["-units=5", "units=5", "-units"])
def test_flag_without_two_dashes_is_an_error_naming_it(arg):
    with pytest.raises(RkValueError, match=f'"{arg}" is not read as flag "units".*--units'):
        runs.flags(runs.flag_integer("units", 64), arguments=[arg])


def test_other_arguments_are_still_not_flags():
    f = runs.flags(runs.flag_integer("units", 64),
                   arguments=["not-a-flag", "other=1", "-v", "--units", "3"])
    assert f == {"units": 3}


def test_tensorboard_on_a_busy_port_is_an_error_naming_it(tmp_path):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        port = holder.getsockname()[1]
        with pytest.raises(RkValueError, match=f"`port` {port} is not free on 127.0.0.1"):
            runs.tensorboard(str(tmp_path / "logs"), port=port, launch_browser=False)
    assert not runs._servers
