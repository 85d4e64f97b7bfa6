#!/usr/bin/python3
"""An i-PI client for pesx: ASE's SocketClient with the EMT calculator.

    pesx neb R.xyz P.xyz -p ipi:unix=emt,clients=2 &
    ./ase_emt_client.py R.xyz --unix emt &
    ./ase_emt_client.py R.xyz --unix emt &

STRUCTURE gives what i-PI does not send: the elements, their order and the
periodic directions (pesx sends positions and the cell, in Bohr).  Any ASE
calculator works the same way: replace EMT() below.  The client waits up to
--wait seconds for the server's socket, computes until pesx says EXIT (or
closes the connection), then exits 0.
"""
import argparse
import socket
import sys
import time

from ase.calculators.emt import EMT
from ase.calculators.socketio import SocketClient
from ase.io import read


def connect(args):
    deadline = time.monotonic() + args.wait
    while True:
        try:
            if args.unix:
                return SocketClient(unixsocket=args.unix)
            return SocketClient(host=args.host, port=args.port)
        except (FileNotFoundError, ConnectionRefusedError, socket.error):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("structure", help="XYZ file with the elements and pbc of the structures")
    ap.add_argument("--unix", metavar="NAME", help="the socket /tmp/ipi_NAME")
    ap.add_argument("--host", default="localhost")
    ap.add_argument("--port", type=int, help="TCP port (instead of --unix)")
    ap.add_argument("--wait", type=float, default=30.0,
                    help="seconds to wait for the server (default 30)")
    args = ap.parse_args()
    if not args.unix and not args.port:
        ap.error("give --unix NAME or --port PORT")
    atoms = read(args.structure)
    atoms.calc = EMT()
    client = connect(args)
    client.run(atoms)
    return 0


if __name__ == "__main__":
    sys.exit(main())
