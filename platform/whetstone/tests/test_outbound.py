"""The one rule for where the server may connect on a user's behalf, including the
spellings of internal addresses that a URL validator lets through."""

from __future__ import annotations

import socket

import pytest

from whetstone import outbound

PUBLIC = "93.184.215.14"


@pytest.mark.parametrize("url", [
    "http://2130706433/",              # 127.0.0.1 as one number
    "http://0x7f.1/",                  # and in hex
    "http://127.1/",
    "http://0177.0.0.1/",              # octal
    "http://[::127.0.0.1]/",           # IPv4-compatible IPv6
    "http://[64:ff9b::a9fe:a9fe]/",    # NAT64 of 169.254.169.254
    "http://[2002:7f00:1::]/",         # 6to4 of 127.0.0.1
    "http://[fec0::1]/",               # site-local
    "http://[ff02::1]/",               # multicast
    "http://[::]/",
    "http://0/",
    "http://192.0.0.8/",               # IETF protocol assignments
    "http://198.18.0.1/",              # benchmarking
    "http://intranet/",                # a single label: a search-domain name
    "http://printer.local/",
    "http://app.localhost/",
    "http://LOCALHOST./",
    "gopher://example.org/",
    "file:///etc/passwd",
    "http:///nohost",
])
def test_internal_spellings_are_refused(url):
    with pytest.raises(outbound.OutboundRefused):
        outbound.check_url(url)


def test_a_public_address_passes():
    assert [str(a) for a in outbound.check_url(f"https://{PUBLIC}:8443/hook")] == [PUBLIC]


def test_an_unresolvable_name_is_reported_as_such(monkeypatch):
    def no_answer(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_answer)
    with pytest.raises(outbound.HostUnresolvable):
        outbound.check_url("https://nowhere.example.org/")


def test_the_allowlist_admits_networks_and_names_only(settings):
    settings.WHETSTONE_OUTBOUND_ALLOWLIST = ["127.0.0.1/32", "fd00::/8", "Hooks.Lab"]
    assert outbound.check_url("http://127.0.0.1:9/")
    assert outbound.check_url("http://[fd00::5]/")
    with pytest.raises(outbound.OutboundRefused):
        outbound.check_url("http://127.0.0.2/")
    with pytest.raises(outbound.OutboundRefused):
        outbound.check_url("http://169.254.169.254/")


def _self_signed(tmp_path, name: str):
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=1))
            .not_valid_after(now + datetime.timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def test_https_dials_the_checked_address_and_still_verifies_the_name(tmp_path, settings, monkeypatch):
    """The socket goes to the pinned address; TLS sends SNI for, and checks the certificate
    against, the URL's host name, as an unpinned request would."""
    import ssl
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    name = "hooks.example.org"
    cert_path, key_path = _self_signed(tmp_path, name)
    seen: dict[str, str] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's naming
            seen["host"] = self.headers["Host"]
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    context.sni_callback = lambda sock, server_name, ctx: seen.__setitem__("sni", server_name)
    server = HTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    real = socket.getaddrinfo
    monkeypatch.setattr(socket, "getaddrinfo",
                        lambda host, *a, **k: real("127.0.0.1" if host == name else host, *a, **k))
    settings.WHETSTONE_OUTBOUND_ALLOWLIST = ["127.0.0.1/32"]
    try:
        port = server.server_address[1]
        response = outbound.post(f"https://{name}:{port}/hook", data=b"{}", timeout=5, verify=str(cert_path))
        assert response.status_code == 204
        assert seen == {"sni": name, "host": f"{name}:{port}"}
        other = tmp_path / "other"
        other.mkdir()
        wrong_cert, _ = _self_signed(other, "someone-else.example.org")
        with pytest.raises(Exception, match="SSL|certificate"):
            outbound.post(f"https://{name}:{port}/hook", data=b"{}", timeout=5, verify=str(wrong_cert))
    finally:
        server.shutdown()
        server.server_close()
