"""Runs many aws CLI commands in one Python process, for the wire tests.

Each stdin line is JSON {"args": [...], "env": {...}, "dir": "..."}; each
stdout line answers {"rc": N, "stdout": "...", "stderr": "..."}. Every
command goes through awscli.clidriver, exactly what the `aws` script runs,
with only the given AWS_* variables. A driver (and its botocore session) is
reused for commands with the same environment, the way one shell would run
them; what is saved is starting Python and loading the service models for
every command (about a second each on a loaded machine).
"""
import io
import json
import os
import sys

from awscli.clidriver import create_clidriver

drivers = {}
real_stdout = sys.stdout
# awscli points botocore at its own data (cli.json) through AWS_DATA_PATH
# when imported; that one survives the environment reset below.
keep = {k: os.environ[k] for k in ("AWS_DATA_PATH",) if k in os.environ}
for line in sys.stdin:
    req = json.loads(line)
    for k in [k for k in os.environ if k.startswith("AWS_")]:
        del os.environ[k]
    os.environ.update(keep)
    os.environ.update(req["env"])
    os.chdir(req["dir"])
    out, err = io.StringIO(), io.StringIO()
    sys.stdout, sys.stderr = out, err
    try:
        key = json.dumps(req["env"], sort_keys=True)
        if key not in drivers:
            drivers[key] = create_clidriver()
        rc = drivers[key].main(req["args"])
    except SystemExit as e:
        rc = e.code if isinstance(e.code, int) else 255
    except Exception as e:  # the CLI reports its own errors; this is a bug
        err.write("batch driver: %r\n" % (e,))
        rc = 255
    finally:
        sys.stdout, sys.stderr = real_stdout, sys.__stderr__
    real_stdout.write(json.dumps({"rc": rc, "stdout": out.getvalue(), "stderr": err.getvalue()}) + "\n")
    real_stdout.flush()
