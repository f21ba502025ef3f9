#!/usr/bin/env python3
"""A PostgreSQL wire-protocol relay on a unix socket that loses one COMMIT.

usage: dropproxy.py LISTEN_DIR PORT SERVER_DIR SERVER_PORT MODE PATTERN FIRED_FILE

Relays every connection made to LISTEN_DIR/.s.PGSQL.PORT to the server's
socket, byte for byte. The first COMMIT of a transaction that ran a
statement containing PATTERN is lost, once:
  after   the COMMIT reaches the server and commits; its answer never
          reaches the client, whose connection is closed;
  before  the connection is closed as the COMMIT is sent: the server never
          sees it and rolls the transaction back.
Prints "ready" once listening, and writes FIRED_FILE when it lost the
COMMIT. Stops when its standard input closes.
"""
import os
import socket
import struct
import sys
import threading

listen_dir, port, server_dir, server_port, mode, pattern, fired_file = sys.argv[1:8]
fired = threading.Event()
lock = threading.Lock()


def recv_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError
        buf += chunk
    return buf


def close(*socks):
    for s in socks:
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        s.close()


class Relay:
    def __init__(self, client):
        self.client = client
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.connect(os.path.join(server_dir, ".s.PGSQL." + server_port))
        self.statements = {}  # prepared statement name -> its SQL
        self.marked = False   # this transaction ran a statement with PATTERN
        self.syncs = 0        # Syncs and simple queries sent (each ends with a Z)
        self.ready = 0        # ReadyForQuery messages received
        self.swallow_after = None  # lose the answers after this many Zs
        self.dead = False

    def statement(self, sql):
        """Looks at one statement the client runs: True when it is the
        COMMIT to lose."""
        text = sql.strip().rstrip(";").strip().upper()
        if pattern in sql:
            self.marked = True
        if text in ("COMMIT", "END", "ROLLBACK", "ABORT"):
            lose = text in ("COMMIT", "END") and self.marked
            self.marked = False
            if lose:
                with lock:
                    if fired.is_set():
                        return False
                    fired.set()
                with open(fired_file, "w") as f:
                    f.write("fired\n")
                return True
        return False

    def from_client(self):
        try:
            # the startup packet (and an SSL or GSS request before it)
            while True:
                head = recv_exact(self.client, 8)
                length, code = struct.unpack("!ii", head)
                body = recv_exact(self.client, length - 8)
                if code in (80877103, 80877104):
                    self.client.sendall(b"N")
                    continue
                self.server.sendall(head + body)
                break
            while True:
                kind = recv_exact(self.client, 1)
                length = struct.unpack("!i", recv_exact(self.client, 4))[0]
                body = recv_exact(self.client, length - 4)
                lose = False
                if kind == b"Q":
                    lose = self.statement(body.split(b"\0", 1)[0].decode("utf-8", "replace"))
                elif kind == b"P":
                    name, rest = body.split(b"\0", 1)
                    self.statements[name] = rest.split(b"\0", 1)[0].decode("utf-8", "replace")
                elif kind == b"B":
                    stmt = body.split(b"\0", 2)[1]
                    lose = self.statement(self.statements.get(stmt, ""))
                if lose and mode == "before":
                    self.dead = True
                    close(self.client, self.server)
                    return
                if lose:
                    # the answers from here on (those of the Zs not yet
                    # received, up to the COMMIT's own) are lost
                    self.swallow_after = self.syncs
                if kind in (b"S", b"Q"):
                    self.syncs += 1
                self.server.sendall(kind + struct.pack("!i", length) + body)
                if kind == b"X":
                    return
        except (EOFError, OSError):
            if not self.dead:
                close(self.client, self.server)

    def from_server(self):
        try:
            while True:
                kind = recv_exact(self.server, 1)
                length = struct.unpack("!i", recv_exact(self.server, 4))[0]
                body = recv_exact(self.server, length - 4)
                if self.swallow_after is not None and self.ready >= self.swallow_after:
                    if kind == b"Z":
                        # the COMMIT has been answered: the client never
                        # hears it
                        self.dead = True
                        close(self.client, self.server)
                        return
                    continue
                if kind == b"Z":
                    self.ready += 1
                self.client.sendall(kind + struct.pack("!i", length) + body)
        except (EOFError, OSError):
            if not self.dead:
                close(self.client, self.server)


def serve():
    path = os.path.join(listen_dir, ".s.PGSQL." + port)
    lsock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    lsock.bind(path)
    lsock.listen(16)
    print("ready", flush=True)
    while True:
        client, _ = lsock.accept()
        try:
            r = Relay(client)
        except OSError:
            client.close()
            continue
        threading.Thread(target=r.from_client, daemon=True).start()
        threading.Thread(target=r.from_server, daemon=True).start()


threading.Thread(target=serve, daemon=True).start()
sys.stdin.read()  # until the test ends
