#!/usr/bin/python3
"""Test client of pesx's ipi potential: ASE's EMT behind ASE's i-PI framing
(ase.calculators.socketio.IPIProtocol), with faults on demand.

    ipi_client.py --unix NAME (--template FILE.xyz | --element SYM)
                  [--fault nan|natoms|garbage|die|mute] [--after N]

--template gives the elements and pbc (as examples/ipi/ase_emt_client.py);
--element makes every structure SYM atoms, as many as pesx sends, periodic
in every direction when pesx sends a cell.  --fault spoils the answer for
the N-th structure (default 1): a NaN energy, one atom too few, a garbage
header, dying (os._exit) after reading the positions, or never answering.
"""
import argparse
import os
import socket
import sys
import time

import numpy as np
from ase import Atoms
from ase.calculators.emt import EMT
from ase.calculators.socketio import IPIProtocol, SocketClosed
from ase.io import read


def connect(name, wait):
    deadline = time.monotonic() + wait
    while True:
        s = socket.socket(socket.AF_UNIX)
        try:
            s.connect("/tmp/ipi_" + name)
            return s
        except OSError:
            s.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--unix", required=True)
    ap.add_argument("--template")
    ap.add_argument("--element")
    ap.add_argument("--fault", choices=["nan", "natoms", "garbage", "die", "mute"])
    ap.add_argument("--after", type=int, default=1)
    ap.add_argument("--wait", type=float, default=20.0)
    ap.add_argument("--delay", type=float, default=0.0,
                    help="sleep this long per structure, as a slow quantum code would")
    args = ap.parse_args()
    template = read(args.template) if args.template else None
    proto = IPIProtocol(connect(args.unix, args.wait))
    state, count, result = "NEEDINIT", 0, None
    while True:
        try:
            msg = proto.recvmsg()
        except SocketClosed:
            return 0
        if msg == "EXIT":
            return 0
        if msg == "STATUS":
            proto.sendmsg(state)
        elif msg == "INIT":
            proto.recvinit()
            state = "READY"
        elif msg == "POSDATA":
            cell, _, pos = proto.recvposdata()
            count += 1
            fault = args.fault if count == args.after else None
            if fault == "die":
                os._exit(3)
            if template is not None:
                atoms = template.copy()
                atoms.cell[:] = cell
                atoms.positions[:] = pos
            else:
                atoms = Atoms(args.element * len(pos), positions=pos, cell=cell,
                              pbc=bool(np.any(cell)))
            atoms.calc = EMT()
            result = (atoms.get_potential_energy(), atoms.get_forces(), fault)
            time.sleep(args.delay)
            state = "HAVEDATA"
        elif msg == "GETFORCE":
            e, f, fault = result
            if fault == "mute":
                # silent until the server hangs up (pesx drops it after its
                # timeout), then gone: a test never waits on it for long
                proto.socket.settimeout(60)
                try:
                    proto.socket.recv(1)
                except OSError:
                    pass
                return
            if fault == "garbage":
                proto.sendmsg("BANANA")
            else:
                if fault == "nan":
                    e = float("nan")
                if fault == "natoms":
                    f = f[:-1]
                proto.sendforce(e, f, np.zeros((3, 3)))
            state = "NEEDINIT"
        else:
            return 4


if __name__ == "__main__":
    sys.exit(main())
