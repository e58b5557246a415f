"""The guarded client on real sockets: TLS to a checked address, verified against the host name (SNI)."""

from __future__ import annotations

import datetime as dt
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ippledge.delivery.model import TargetPolicy
from ippledge.delivery.transport import TargetRefused, WebhookClient

NAME = "hooks.bank.test"


def _self_signed(tmp: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, NAME)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(NAME)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp / "cert.pem", tmp / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


class _TlsServer:
    def __init__(self, cert: Path, key: Path) -> None:
        self.hosts: list[str] = []
        self.server_names: list[str | None] = []
        hosts, names = self.hosts, self.server_names

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["Content-Length"]))
                hosts.append(self.headers["Host"])
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        ctx.sni_callback = lambda sock, name, _ctx: names.append(name)
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]


@pytest.fixture
def tls(tmp_path: Path) -> Iterator[tuple[_TlsServer, ssl.SSLContext]]:
    cert, key = _self_signed(tmp_path)
    server = _TlsServer(cert, key)
    thread = threading.Thread(target=server.httpd.serve_forever, daemon=True)
    thread.start()
    yield server, ssl.create_default_context(cafile=str(cert))
    server.httpd.shutdown()
    server.httpd.server_close()


def test_tls_goes_to_the_checked_address_and_is_verified_against_the_name(tls) -> None:
    server, trust = tls
    asked: list[str] = []

    def resolve(host: str) -> list[str]:
        asked.append(host)
        return ["127.0.0.1"]

    loopback = TargetPolicy.parse("127.0.0.0/8")
    with WebhookClient(loopback, resolve, verify=trust) as client:
        r = client.post(f"https://{NAME}:{server.port}/in", content=b"{}")
        assert r.status_code == 204
        # a name the certificate does not cover fails verification although the address is the same
        with pytest.raises(httpx.ConnectError):
            client.post(f"https://other.bank.test:{server.port}/in", content=b"{}")
    assert server.hosts == [f"{NAME}:{server.port}"] and server.server_names[0] == NAME
    assert asked == [NAME, "other.bank.test"]
    with WebhookClient(TargetPolicy(), resolve, verify=trust) as client, pytest.raises(TargetRefused):
        client.post(f"https://{NAME}:{server.port}/in", content=b"{}")  # loopback, not allowed by default
    assert len(server.hosts) == 1
