"""Throwaway key material in pure Python (stdlib only), deterministic given a random.Random.

Generates RSA (PKCS#1, PKCS#8, SPKI), EC P-256 (SEC1, PKCS#8, SPKI), OpenSSH (ed25519 and
RSA) private keys, SSH public keys and self-signed X.509 certificates, so the precision
corpus is byte-for-byte reproducible from its seed and needs no openssl at run time.
None of these keys protects anything: they exist only to be found by the scanner.
"""

import base64
import hashlib
import math
import struct

# ---------------------------------------------------------------- DER

def _der_len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def tlv(tag, body):
    return bytes([tag]) + _der_len(len(body)) + body


def der_int(x):
    return tlv(0x02, x.to_bytes(max(1, (x.bit_length() + 8) // 8), "big"))


def der_seq(*items):
    return tlv(0x30, b"".join(items))


def der_set(*items):
    return tlv(0x31, b"".join(items))


def der_oid(dotted):
    parts = [int(p) for p in dotted.split(".")]
    out = bytearray([40 * parts[0] + parts[1]])
    for p in parts[2:]:
        chunk = [p & 0x7F]
        p >>= 7
        while p:
            chunk.append(0x80 | (p & 0x7F))
            p >>= 7
        out += bytes(reversed(chunk))
    return tlv(0x06, bytes(out))


DER_NULL = b"\x05\x00"


def der_octets(b):
    return tlv(0x04, b)


def der_bits(b):
    return tlv(0x03, b"\x00" + b)


def der_ctx(n, body):
    return tlv(0xA0 + n, body)


def pem(label, der, width=64):
    b = base64.b64encode(der).decode()
    body = "\n".join(b[i:i + width] for i in range(0, len(b), width))
    return f"-----BEGIN {label}-----\n{body}\n-----END {label}-----\n"


OID_RSA = "1.2.840.113549.1.1.1"
OID_SHA256_RSA = "1.2.840.113549.1.1.11"
OID_EC_PUBLIC = "1.2.840.10045.2.1"
OID_P256 = "1.2.840.10045.3.1.7"
OID_CN = "2.5.4.3"
OID_O = "2.5.4.10"

# ---------------------------------------------------------------- RSA

_SMALL_PRIMES = [p for p in range(3, 5000) if all(p % d for d in range(2, int(p ** 0.5) + 1))]


def _probable_prime(n, rng):
    for p in _SMALL_PRIMES:
        if n % p == 0:
            return n == p
    d, s = n - 1, 0
    while d % 2 == 0:
        d //= 2
        s += 1
    for _ in range(6):
        a = rng.randrange(2, n - 2)
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


def _prime(bits, rng):
    while True:
        c = rng.getrandbits(bits) | (3 << (bits - 2)) | 1
        if _probable_prime(c, rng):
            return c


class RsaKey:
    def __init__(self, bits, rng):
        e = 65537
        while True:
            p, q = _prime(bits // 2, rng), _prime(bits // 2, rng)
            phi = (p - 1) * (q - 1)
            if p != q and math.gcd(e, phi) == 1 and (p * q).bit_length() == bits:
                break
        self.n, self.e, self.p, self.q = p * q, e, p, q
        self.d = pow(e, -1, phi)
        self.bits = bits

    def pkcs1_der(self):
        d, p, q = self.d, self.p, self.q
        return der_seq(der_int(0), der_int(self.n), der_int(self.e), der_int(d), der_int(p),
                       der_int(q), der_int(d % (p - 1)), der_int(d % (q - 1)), der_int(pow(q, -1, p)))

    def pkcs8_der(self):
        return der_seq(der_int(0), der_seq(der_oid(OID_RSA), DER_NULL), der_octets(self.pkcs1_der()))

    def spki_der(self):
        return der_seq(der_seq(der_oid(OID_RSA), DER_NULL),
                       der_bits(der_seq(der_int(self.n), der_int(self.e))))

    def sign_sha256(self, msg):
        digest_info = bytes.fromhex("3031300d060960864801650304020105000420") + hashlib.sha256(msg).digest()
        k = (self.n.bit_length() + 7) // 8
        em = b"\x00\x01" + b"\xff" * (k - 3 - len(digest_info)) + b"\x00" + digest_info
        return pow(int.from_bytes(em, "big"), self.d, self.n).to_bytes(k, "big")

    def self_signed_cert_der(self, common_name, serial):
        name = der_seq(der_set(der_seq(der_oid(OID_O), tlv(0x0C, b"Acme Corp"))),
                       der_set(der_seq(der_oid(OID_CN), tlv(0x0C, common_name.encode()))))
        alg = der_seq(der_oid(OID_SHA256_RSA), DER_NULL)
        validity = der_seq(tlv(0x17, b"250101000000Z"), tlv(0x17, b"350101000000Z"))
        tbs = der_seq(der_ctx(0, der_int(2)), der_int(serial), alg, name, validity, name, self.spki_der())
        return der_seq(tbs, alg, der_bits(self.sign_sha256(tbs)))

# ---------------------------------------------------------------- EC P-256

_P = 2**256 - 2**224 + 2**192 + 2**96 - 1
_N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
_G = (0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296,
      0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5)


def _ec_add(a, b):
    if a is None:
        return b
    if b is None:
        return a
    if a[0] == b[0]:
        if (a[1] + b[1]) % _P == 0:
            return None
        lam = (3 * a[0] * a[0] - 3) * pow(2 * a[1], -1, _P) % _P
    else:
        lam = (b[1] - a[1]) * pow(b[0] - a[0], -1, _P) % _P
    x = (lam * lam - a[0] - b[0]) % _P
    return (x, (lam * (a[0] - x) - a[1]) % _P)


def _ec_mul(k, pt):
    acc = None
    while k:
        if k & 1:
            acc = _ec_add(acc, pt)
        pt = _ec_add(pt, pt)
        k >>= 1
    return acc


class EcKey:
    def __init__(self, rng):
        self.d = rng.randrange(1, _N)
        x, y = _ec_mul(self.d, _G)
        self.point = b"\x04" + x.to_bytes(32, "big") + y.to_bytes(32, "big")

    def sec1_der(self, with_params=True):
        items = [der_int(1), der_octets(self.d.to_bytes(32, "big"))]
        if with_params:
            items.append(der_ctx(0, der_oid(OID_P256)))
        items.append(der_ctx(1, der_bits(self.point)))
        return der_seq(*items)

    def pkcs8_der(self):
        return der_seq(der_int(0), der_seq(der_oid(OID_EC_PUBLIC), der_oid(OID_P256)),
                       der_octets(self.sec1_der(with_params=False)))

    def spki_der(self):
        return der_seq(der_seq(der_oid(OID_EC_PUBLIC), der_oid(OID_P256)), der_bits(self.point))

# ---------------------------------------------------------------- Ed25519 / OpenSSH

_Q = 2**255 - 19
_D = -121665 * pow(121666, -1, _Q) % _Q
_B = (15112221349535400772501151409588531511454012693041857206046113283949847762202,
      46316835694926478169428394003475163141307993866256225615783033603165251855960)


def _ed_add(a, b):
    x1, y1 = a
    x2, y2 = b
    t = _D * x1 * x2 * y1 * y2 % _Q
    return ((x1 * y2 + x2 * y1) * pow(1 + t, -1, _Q) % _Q, (y1 * y2 + x1 * x2) * pow(1 - t, -1, _Q) % _Q)


def _ed_mul(k, pt):
    acc = (0, 1)
    while k:
        if k & 1:
            acc = _ed_add(acc, pt)
        pt = _ed_add(pt, pt)
        k >>= 1
    return acc


def ed25519_public(seed32):
    h = hashlib.sha512(seed32).digest()
    a = int.from_bytes(h[:32], "little")
    a &= (1 << 254) - 8
    a |= 1 << 254
    x, y = _ed_mul(a, _B)
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


def _sshstr(b):
    return struct.pack(">I", len(b)) + b


def _mpint(x):
    return _sshstr(b"" if x == 0 else x.to_bytes((x.bit_length() + 8) // 8, "big"))


def _openssh_container(pub_blob, priv_body, comment, rng):
    check = rng.getrandbits(32)
    priv = struct.pack(">II", check, check) + priv_body + _sshstr(comment.encode())
    pad = 1
    while len(priv) % 8:
        priv += bytes([pad])
        pad += 1
    raw = (b"openssh-key-v1\x00" + _sshstr(b"none") + _sshstr(b"none") + _sshstr(b"") +
           struct.pack(">I", 1) + _sshstr(pub_blob) + _sshstr(priv))
    return pem("OPENSSH PRIVATE KEY", raw, width=70)


def openssh_ed25519(rng, comment):
    """Returns (private key PEM text, public key line)."""
    seed = bytes(rng.getrandbits(8) for _ in range(32))
    pk = ed25519_public(seed)
    pub_blob = _sshstr(b"ssh-ed25519") + _sshstr(pk)
    body = _sshstr(b"ssh-ed25519") + _sshstr(pk) + _sshstr(seed + pk)
    pub_line = f"ssh-ed25519 {base64.b64encode(pub_blob).decode()} {comment}"
    return _openssh_container(pub_blob, body, comment, rng), pub_line


def openssh_rsa(key, rng, comment):
    pub_blob = _sshstr(b"ssh-rsa") + _mpint(key.e) + _mpint(key.n)
    body = (_sshstr(b"ssh-rsa") + _mpint(key.n) + _mpint(key.e) + _mpint(key.d) +
            _mpint(pow(key.q, -1, key.p)) + _mpint(key.p) + _mpint(key.q))
    pub_line = f"ssh-rsa {base64.b64encode(pub_blob).decode()} {comment}"
    return _openssh_container(pub_blob, body, comment, rng), pub_line
