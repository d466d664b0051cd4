#!/usr/bin/python3
"""
Scripted MS-TSTS responder for netsend's tests (no Windows peer exists here).

The SMB side is Debian's python3-impacket SimpleSMBServer: its registerNamedPipe(name, address)
forwards the bytes of a named pipe opened on IPC$ to a TCP address. Behind that, this script runs
its own minimal connection-oriented DCE/RPC server (C706 ch. 12; auth level none, or raw NTLMSSP
at packet privacy with its own NTLMv2 verification, RC4 sealing and signing per [MS-NLMP] §3.4) that answers
TermSrvEnumeration / TermSrvSession on LSM_API_service and IcaApi on Ctx_WinStation_API_service
with the [MS-TSTS] layouts (tsts-notes §2, §6). Written for netsend from the specs; no impacket
DCE/RPC code is used or copied (impacket's own DCE/RPC server has no RPC-level authentication).
Only impacket.smbserver (SMB) and impacket.ntlm.compute_nthash (MD4, absent from this OpenSSL) are used.

Usage: tsts_responder.py '<json config>'. Prints one JSON object per line on stdout:
  {"event": "ready", "port": N}, then one {"event": "call", ...} per RPC call and
  {"event": "disconnect", "pipe": ..., "open_handles": [...]} when a pipe connection ends.
"""
import json
import os
import socket
import struct
import sys
import threading
import uuid
import hashlib
import hmac
from binascii import hexlify

NDR20 = uuid.UUID('8a885d04-1ceb-11c9-9fe8-08002b104860').bytes_le + struct.pack('<HH', 2, 0)
IF_ENUM = uuid.UUID('88143fd0-c28d-4b2b-8fef-8d882f6a9390').bytes_le
IF_SESSION = uuid.UUID('484809d6-4239-471b-b5bc-61df8c23ac48').bytes_le
IF_LEGACY = uuid.UUID('5ca4a760-ebb1-11cf-8611-00a0245420ed').bytes_le

S_OK = 0
E_ACCESSDENIED = 0x80070005
E_INVALIDARG = 0x80070057
HRESULT_CTX_WINSTATION_NOT_FOUND = 0x80071B6E
STATUS_SUCCESS = 0
STATUS_ACCESS_DENIED = 0xC0000022
STATUS_NO_MORE_ENTRIES = 0x8000001A
STATUS_CTX_WINSTATION_NOT_FOUND = 0xC00A0015
NCA_OP_RNG_ERROR = 0x1C010002
NCA_CONTEXT_MISMATCH = 0x1C00001A
RPC_X_BAD_STUB_DATA = 0x6F7
IDASYNC = 32001
LOGONID_SIZE = 76

CONFIG = json.loads(sys.argv[1])
LOCK = threading.Lock()
NTHASH = b''


def emit(obj):
    with LOCK:
        sys.stdout.write(json.dumps(obj) + '\n')
        sys.stdout.flush()


class BadStub(Exception):
    pass


class Reader:
    """Bounds-checked little-endian reads over one request stub."""

    def __init__(self, data):
        self.data = data
        self.pos = 0

    def take(self, n):
        if self.pos + n > len(self.data):
            raise BadStub('short stub')
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def u8(self):
        return self.take(1)[0]

    def u16(self):
        return struct.unpack('<H', self.take(2))[0]

    def u32(self):
        return struct.unpack('<I', self.take(4))[0]

    def i32(self):
        return struct.unpack('<i', self.take(4))[0]

    def align(self, n):
        self.pos = (self.pos + n - 1) // n * n

    def wstring(self):
        """[string] WCHAR*: max_count, offset, actual_count, actual WCHARs ending in NUL."""
        self.align(4)
        mx, off, actual = self.u32(), self.u32(), self.u32()
        if off != 0 or actual != mx or actual == 0:
            raise BadStub('string counts')
        raw = self.take(2 * actual)
        if raw[-2:] != b'\0\0':
            raise BadStub('string without NUL')
        return raw[:-2].decode('utf-16le')


def pad4(b):
    return b + b'\0' * (-len(b) % 4)


def wstring(s):
    body = s.encode('utf-16le') + b'\0\0'
    n = len(body) // 2
    return pad4(struct.pack('<III', n, 0, n) + body)


# --- NTLMSSP server side for RPC auth level privacy ([MS-NLMP] §3.2.5, §3.4; [MS-RPCE] §2.2.2.11) ---

NTLMSSP_NEGOTIATE_KEY_EXCH = 0x40000000
SUPPORTED_FLAGS = 0x1 | 0x4 | 0x10 | 0x20 | 0x200 | 0x8000 | 0x80000 | 0x2000000 | 0x20000000 | NTLMSSP_NEGOTIATE_KEY_EXCH | 0x80000000


def md5(b):
    return hashlib.md5(b).digest()


def hmac_md5(key, msg):
    return hmac.new(key, msg, hashlib.md5).digest()


class Rc4:
    """RC4 keystream with state kept across messages (a connection-oriented NTLM seal handle)."""

    def __init__(self, key):
        s = list(range(256))
        j = 0
        for i in range(256):
            j = (j + s[i] + key[i % len(key)]) & 0xff
            s[i], s[j] = s[j], s[i]
        self.s, self.i, self.j = s, 0, 0

    def crypt(self, data):
        s, i, j = self.s, self.i, self.j
        out = bytearray(len(data))
        for n, b in enumerate(data):
            i = (i + 1) & 0xff
            j = (j + s[i]) & 0xff
            s[i], s[j] = s[j], s[i]
            out[n] = b ^ s[(s[i] + s[j]) & 0xff]
        self.i, self.j = i, j
        return bytes(out)


def field(msg, at):
    length, _max, off = struct.unpack('<HHI', msg[at:at + 8])
    if off + length > len(msg):
        raise BadStub('NTLMSSP field out of range')
    return msg[off:off + length]


class NtlmServer:
    def __init__(self, user, password, nthash):
        self.user, self.password, self.nt = user, password, nthash
        self.challenge = os.urandom(8)
        self.flags = 0
        self.ok = False

    def challenge_message(self, negotiate):
        if negotiate[:8] != b'NTLMSSP\0' or struct.unpack('<I', negotiate[8:12])[0] != 1:
            raise BadStub('not an NTLMSSP NEGOTIATE')
        client = struct.unpack('<I', negotiate[12:16])[0]
        self.flags = (client & SUPPORTED_FLAGS) | 0x800000 | 0x20000
        target = 'TSTS'.encode('utf-16le')
        ts = struct.pack('<Q', (int(__import__('time').time()) + 11644473600) * 10000000)
        av = b''
        for av_id, value in ((2, target), (1, 'TSTSHOST'.encode('utf-16le')), (7, ts), (0, b'')):
            av += struct.pack('<HH', av_id, len(value)) + value
        head_len = 56
        msg = b'NTLMSSP\0' + struct.pack('<I', 2)
        msg += struct.pack('<HHI', len(target), len(target), head_len) + struct.pack('<I', self.flags)
        msg += self.challenge + b'\0' * 8 + struct.pack('<HHI', len(av), len(av), head_len + len(target))
        msg += bytes([6, 1]) + struct.pack('<H', 7601) + b'\0\0\0\x0f'
        return msg + target + av

    def authenticate(self, msg):
        if msg[:8] != b'NTLMSSP\0' or struct.unpack('<I', msg[8:12])[0] != 3:
            raise BadStub('not an NTLMSSP AUTHENTICATE')
        nt_resp = field(msg, 20)
        domain = field(msg, 28).decode('utf-16le')
        user = field(msg, 36).decode('utf-16le')
        enc_key = field(msg, 52)
        self.flags = struct.unpack('<I', msg[60:64])[0]
        ntowf2 = hmac_md5(self.nt, (user.upper() + domain).encode('utf-16le'))
        proof, temp = nt_resp[:16], nt_resp[16:]
        self.ok = user.lower() == self.user.lower() and len(nt_resp) > 16 and hmac.compare_digest(hmac_md5(ntowf2, self.challenge + temp), proof)
        emit({'event': 'ntlm-authenticate', 'user': user, 'ok': self.ok})
        if not self.ok:
            return
        kxkey = hmac_md5(ntowf2, proof)
        exported = Rc4(kxkey).crypt(enc_key) if self.flags & NTLMSSP_NEGOTIATE_KEY_EXCH and enc_key else kxkey
        c2s = b'session key to client-to-server %s key magic constant\0'
        s2c = b'session key to server-to-client %s key magic constant\0'
        self.client_sign, self.server_sign = md5(exported + c2s % b'signing'), md5(exported + s2c % b'signing')
        self.client_seal, self.server_seal = Rc4(md5(exported + c2s % b'sealing')), Rc4(md5(exported + s2c % b'sealing'))
        self.client_seq = self.server_seq = 0

    def unseal(self, sealed, signature, signed_with):
        """Decrypts, then checks the MAC over the plaintext PDU (header through sec_trailer)."""
        plain = self.client_seal.crypt(sealed)
        checksum = signature[4:12]
        if self.flags & NTLMSSP_NEGOTIATE_KEY_EXCH:
            checksum = self.client_seal.crypt(checksum)
        seq = struct.pack('<I', self.client_seq)
        self.client_seq += 1
        want = hmac_md5(self.client_sign, seq + signed_with(plain))[:8]
        if signature[:4] != b'\x01\0\0\0' or signature[12:16] != seq or not hmac.compare_digest(want, checksum):
            raise BadSignature()
        return plain

    def seal(self, plain, signed):
        sealed = self.server_seal.crypt(plain)
        seq = struct.pack('<I', self.server_seq)
        self.server_seq += 1
        checksum = hmac_md5(self.server_sign, seq + signed)[:8]
        if self.flags & NTLMSSP_NEGOTIATE_KEY_EXCH:
            checksum = self.server_seal.crypt(checksum)
        return sealed, b'\x01\0\0\0' + checksum + seq


class BadSignature(Exception):
    pass


class Responder:
    """The server-side state of one scenario: sessions, denials, handles."""

    def __init__(self, cfg):
        self.sessions = cfg.get('sessions', [])
        self.deny = cfg.get('deny', '')  # '', 'enum', 'messages'
        self.deny_sessions = set(cfg.get('denySessions', []))
        self.vanished = set(cfg.get('vanished', []))
        self.answer = cfg.get('answer', 1)
        self.legacy_close_ex = cfg.get('legacyCloseEx', True)
        self.hangup = set(cfg.get('hangup', []))
        self.stall = set(cfg.get('stall', []))

    def session(self, sid):
        if sid in self.vanished:
            return None
        for s in self.sessions:
            if s['id'] == sid and s['id'] < 0x10000:
                return s
        return None

    def msg_denied(self, sid):
        return self.deny == 'messages' or sid in self.deny_sessions


class Connection:
    """One pipe instance: presentation contexts and the context handles opened on it."""

    def __init__(self, sock, pipe, responder):
        self.sock = sock
        self.pipe = pipe
        self.r = responder
        self.contexts = {}
        self.handles = {}
        self.assoc = 0x12345
        self.ntlm = None
        self.auth_level = 1
        self.auth_ctx = 0

    def new_handle(self, kind, value):
        h = b'\0\0\0\0' + uuid.uuid4().bytes
        self.handles[h] = (kind, value)
        return h

    def lookup(self, h, kind):
        v = self.handles.get(h)
        if v is None or v[0] != kind:
            raise ContextMismatch()
        return v[1]

    def close_handle(self, h, kind):
        self.lookup(h, kind)
        del self.handles[h]

    # --- PDUs (C706 §12.6) ---

    def read_pdu(self):
        head = self.recv_exact(16)
        if head is None:
            return None
        frag_len = struct.unpack('<H', head[8:10])[0]
        if frag_len < 16:
            raise BadStub('frag_length')
        body = self.recv_exact(frag_len - 16)
        if body is None:
            return None
        return head, body

    def recv_exact(self, n):
        buf = b''
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                return None
            buf += chunk
        return buf

    def send_pdu(self, ptype, call_id, body, flags=0x03, auth_len=0):
        head = struct.pack('<BBBB4sHHI', 5, 0, ptype, flags, b'\x10\0\0\0', 16 + len(body), auth_len, call_id)
        self.sock.sendall(head + body)

    def serve(self):
        pending = {}
        try:
            while True:
                pdu = self.read_pdu()
                if pdu is None:
                    break
                head, body = pdu
                ptype, flags = head[2], head[3]
                call_id = struct.unpack('<I', head[12:16])[0]
                auth_len = struct.unpack('<H', head[10:12])[0]
                if ptype in (11, 14):
                    self.bind(ptype, call_id, body, auth_len, flags)
                elif ptype == 16:  # AUTH3: the AUTHENTICATE message ([MS-RPCE] §2.2.2.10)
                    if self.ntlm and auth_len:
                        self.ntlm.authenticate(body[len(body) - auth_len:])
                elif ptype == 0:
                    alloc, ctx, opnum = struct.unpack('<IHH', body[:8])
                    start = 8 + (16 if flags & 0x80 else 0)
                    stub = body[start:]
                    if auth_len:
                        stub = stub[:len(stub) - auth_len - 8]
                    if self.auth_level == 6:
                        if not (self.ntlm and self.ntlm.ok) or auth_len != 16:
                            self.send_pdu(3, call_id, struct.pack('<IHBBII', 0, ctx, 0, 0, 5, 0))
                            continue
                        trailer = body[len(body) - 24:len(body) - 16]
                        pad = trailer[2]
                        signed_head = head + body[:start]
                        try:
                            plain = self.ntlm.unseal(stub, body[len(body) - 16:], lambda p: signed_head + p + trailer)
                        except BadSignature:
                            emit({'event': 'bad-signature', 'pipe': self.pipe})
                            self.send_pdu(3, call_id, struct.pack('<IHBBII', 0, ctx, 0, 0, 0x721, 0))
                            continue
                        stub = plain[:len(plain) - pad]
                        emit({'event': 'sealed-request', 'pipe': self.pipe, 'opnum': opnum})
                    elif auth_len:
                        self.send_pdu(3, call_id, struct.pack('<IHBBII', 0, ctx, 0, 0, 5, 0))
                        continue
                    part = pending.get(call_id, b'') + stub
                    if not flags & 0x02:
                        pending[call_id] = part
                        continue
                    pending.pop(call_id, None)
                    self.request(call_id, ctx, opnum, part)
                else:
                    emit({'event': 'unexpected-pdu', 'pipe': self.pipe, 'ptype': ptype})
        except Hangup:
            emit({'event': 'hangup', 'pipe': self.pipe})
        finally:
            emit({'event': 'disconnect', 'pipe': self.pipe, 'open_handles': sorted(k for k, _ in self.handles.values())})
            self.sock.close()

    def bind(self, ptype, call_id, body, auth_len, flags):
        max_xmit, max_recv, _assoc = struct.unpack('<HHI', body[:8])
        token = None
        if auth_len:
            trailer = body[len(body) - auth_len - 8:len(body) - auth_len]
            auth_type, level, _pad, _rsv, self.auth_ctx = struct.unpack('<BBBBI', trailer)
            if ptype != 11 or auth_type != 10 or level != 6:
                # Only raw NTLMSSP at packet privacy: bind_nak, reason 8 (authentication_type_not_recognized)
                emit({'event': 'bind-refused', 'pipe': self.pipe, 'authType': auth_type, 'level': level})
                self.send_pdu(13, call_id, struct.pack('<HB', 8, 0))
                return
            self.auth_level = 6
            self.ntlm = NtlmServer(CONFIG['user'], CONFIG['password'], NTHASH)
            token = self.ntlm.challenge_message(body[len(body) - auth_len:])
        n = body[8]
        pos = 12
        results = b''
        for _ in range(n):
            ctx_id, n_ts = struct.unpack('<HB', body[pos:pos + 3])
            abstract = body[pos + 4:pos + 24]
            ts = [body[pos + 24 + 20 * i:pos + 44 + 20 * i] for i in range(n_ts)]
            pos += 24 + 20 * n_ts
            allowed = {'lsm': (IF_ENUM, IF_SESSION), 'legacy': (IF_LEGACY,)}[self.pipe]
            if abstract[:16] in allowed and struct.unpack('<HH', abstract[16:20]) == (1, 0) and NDR20 in ts:
                self.contexts[ctx_id] = abstract[:16]
                results += struct.pack('<HH', 0, 0) + NDR20
            else:
                # provider_rejection, abstract_syntax_not_supported (C706 §12.6.3.1)
                results += struct.pack('<HH', 2, 1) + b'\0' * 20
        emit({'event': 'bind', 'pipe': self.pipe, 'type': 'bind' if ptype == 11 else 'alter_context', 'auth': auth_len > 0,
              'accepted': [hexlify(v).decode() for v in self.contexts.values()]})
        if ptype == 11:
            sec = b'\\PIPE\\' + (b'LSM_API_service' if self.pipe == 'lsm' else b'Ctx_WinStation_API_service') + b'\0'
            sec_addr = pad4(struct.pack('<H', len(sec)) + sec)
        else:
            sec_addr = pad4(struct.pack('<H', 0))
        ack = struct.pack('<HHI', 4280, 4280, self.assoc) + sec_addr + struct.pack('<BBH', n, 0, 0) + results
        if token is not None:
            ack += struct.pack('<BBBBI', 10, 6, 0, 0, self.auth_ctx) + token
            self.send_pdu(12, call_id, ack, flags=0x03 | (flags & 0x04), auth_len=len(token))
            return
        self.send_pdu(12 if ptype == 11 else 15, call_id, ack)

    def request(self, call_id, ctx, opnum, stub):
        iface = self.contexts.get(ctx)
        try:
            if iface == IF_ENUM:
                out = self.enumeration(opnum, Reader(stub))
            elif iface == IF_SESSION:
                out = self.session_call(opnum, Reader(stub))
            elif iface == IF_LEGACY:
                out = self.legacy(opnum, Reader(stub))
            else:
                out = Fault(0x1C010003)
        except BadStub as e:
            emit({'event': 'bad-stub', 'pipe': self.pipe, 'opnum': opnum, 'why': str(e)})
            out = Fault(RPC_X_BAD_STUB_DATA)
        except ContextMismatch:
            out = Fault(NCA_CONTEXT_MISMATCH)
        if isinstance(out, Fault):
            self.send_pdu(3, call_id, struct.pack('<IHBBII', 0, ctx, 0, 0, out.status, 0))
        elif self.auth_level == 6:
            pad = -len(out) % 16
            plain = out + b'\0' * pad
            front = struct.pack('<IHBB', len(out), ctx, 0, 0)
            trailer = struct.pack('<BBBBI', 10, 6, pad, 0, self.auth_ctx)
            body_len = len(front) + len(plain) + 8 + 16
            head = struct.pack('<BBBB4sHHI', 5, 0, 2, 0x03, b'\x10\0\0\0', 16 + body_len, 16, call_id)
            sealed, sig = self.ntlm.seal(plain, head + front + plain + trailer)
            self.sock.sendall(head + front + sealed + trailer + sig)
        else:
            self.send_pdu(2, call_id, struct.pack('<IHBB', len(out), ctx, 0, 0) + out)

    # --- TermSrvEnumeration ([MS-TSTS] §3.3.4.3) ---

    def enumeration(self, opnum, r):
        if opnum == 0:  # RpcOpenEnum: empty stub (handle_t is not marshalled)
            emit({'event': 'call', 'op': 'RpcOpenEnum', 'stub_len': len(r.data)})
            if self.r.deny == 'enum':
                return b'\0' * 20 + struct.pack('<I', E_ACCESSDENIED)
            return self.new_handle('ENUM_HANDLE', None) + struct.pack('<I', S_OK)
        if opnum == 1:  # RpcCloseEnum
            self.close_handle(r.take(20), 'ENUM_HANDLE')
            emit({'event': 'call', 'op': 'RpcCloseEnum'})
            return b'\0' * 20 + struct.pack('<I', S_OK)
        if opnum == 5:  # RpcGetEnumResult
            self.lookup(r.take(20), 'ENUM_HANDLE')
            level = r.u32()
            emit({'event': 'call', 'op': 'RpcGetEnumResult', 'level': level})
            if level != 1:
                return struct.pack('<III', 0, 0, E_INVALIDARG)
            rows = [s for s in self.r.sessions]
            out = struct.pack('<II', 0x20000, len(rows))
            for s in rows:
                name = s['name'].encode('utf-16le')[:64].ljust(66, b'\0')
                out += struct.pack('<IIii', 1, 1, s['id'], s['state']) + name + b'\0\0'
            return out + struct.pack('<II', len(rows), S_OK)
        if opnum == 8:  # RpcGetSessionIds
            flt = r.u16()
            r.align(4)
            mx = r.u32()
            ids = [s['id'] for s in self.r.sessions if s.get('user')][:mx]
            emit({'event': 'call', 'op': 'RpcGetSessionIds', 'filter': flt, 'max': mx})
            return struct.pack('<II', 0x20000, len(ids)) + b''.join(struct.pack('<i', i) for i in ids) + struct.pack('<II', len(ids), S_OK)
        return Fault(NCA_OP_RNG_ERROR)

    # --- TermSrvSession ([MS-TSTS] §3.3.4.1) ---

    def session_call(self, opnum, r):
        if opnum == 0:  # RpcOpenSession
            sid = r.i32()
            s = self.r.session(sid)
            emit({'event': 'call', 'op': 'RpcOpenSession', 'session': sid, 'found': s is not None, 'stub_len': len(r.data)})
            if s is None:
                return b'\0' * 20 + struct.pack('<I', HRESULT_CTX_WINSTATION_NOT_FOUND)
            return self.new_handle('SESSION_HANDLE', sid) + struct.pack('<I', S_OK)
        if opnum == 1:  # RpcCloseSession
            self.close_handle(r.take(20), 'SESSION_HANDLE')
            emit({'event': 'call', 'op': 'RpcCloseSession'})
            return b'\0' * 20 + struct.pack('<I', S_OK)
        if opnum == 5:  # RpcGetUserName
            sid = self.lookup(r.take(20), 'SESSION_HANDLE')
            s = self.r.session(sid)
            emit({'event': 'call', 'op': 'RpcGetUserName', 'session': sid})
            user, domain = (s or {}).get('user'), (s or {}).get('domain', 'WORKGROUP')
            if not user:
                return struct.pack('<III', 0, 0, S_OK)
            return struct.pack('<I', 0x20000) + wstring(user) + struct.pack('<I', 0x20004) + wstring(domain) + struct.pack('<I', S_OK)
        if opnum == 9:  # RpcShowMessageBox
            sid = self.lookup(r.take(20), 'SESSION_HANDLE')
            title = r.wstring()
            message = r.wstring()
            r.align(4)
            style, timeout, nowait = r.u32(), r.u32(), r.u32()
            emit({'event': 'call', 'op': 'RpcShowMessageBox', 'session': sid, 'title': title, 'message': message,
                  'style': style, 'timeout': timeout, 'doNotWait': nowait})
            self.misbehave(sid)
            if self.r.msg_denied(sid):
                return struct.pack('<II', 0, E_ACCESSDENIED)
            return struct.pack('<II', IDASYNC if nowait else self.r.answer, S_OK)
        return Fault(NCA_OP_RNG_ERROR)

    # --- Legacy IcaApi ([MS-TSTS] §3.7.4.1) ---

    def legacy(self, opnum, r):
        if opnum == 0:  # RpcWinStationOpenServer
            emit({'event': 'call', 'op': 'RpcWinStationOpenServer', 'stub_len': len(r.data)})
            return struct.pack('<I', STATUS_SUCCESS) + self.new_handle('SERVER_HANDLE', None) + b'\x01'
        if opnum == 1:  # RpcWinStationCloseServer
            self.close_handle(r.take(20), 'SERVER_HANDLE')
            emit({'event': 'call', 'op': 'RpcWinStationCloseServer'})
            return struct.pack('<I', STATUS_SUCCESS) + b'\x01'
        if opnum == 60 and self.r.legacy_close_ex:  # RpcWinStationCloseServerEx
            self.close_handle(r.take(20), 'SERVER_HANDLE')
            emit({'event': 'call', 'op': 'RpcWinStationCloseServerEx'})
            return b'\0' * 20 + struct.pack('<I', STATUS_SUCCESS) + b'\x01'
        if opnum == 3:  # RpcWinStationEnumerate
            self.lookup(r.take(20), 'SERVER_HANDLE')
            want = r.u32()
            if r.u32() == 0:
                raise BadStub('NULL pLogonId')
            mx = r.u32()
            r.take(mx)
            r.align(4)
            byte_count, index = r.u32(), r.u32()
            if byte_count != mx:
                raise BadStub('max_count != *pByteCount')
            emit({'event': 'call', 'op': 'RpcWinStationEnumerate', 'index': index, 'entries': want, 'byteCount': byte_count})
            if self.r.deny == 'enum':
                return struct.pack('<IIIII', STATUS_ACCESS_DENIED, 0, 0, 0, index) + b'\0'
            rows = self.r.sessions[index:]
            fit = min(want, byte_count // LOGONID_SIZE, len(rows))
            if fit == 0:
                buf = b'\0' * byte_count
                return struct.pack('<III', STATUS_NO_MORE_ENTRIES, 0, 0x20000) + struct.pack('<I', byte_count) + pad4(buf) + struct.pack('<II', byte_count, index) + b'\x01'
            buf = b''
            for s in rows[:fit]:
                buf += struct.pack('<I', s['id']) + s['name'].encode('utf-16le')[:64].ljust(66, b'\0') + b'\0\0' + struct.pack('<I', s['state'])
            buf = buf.ljust(byte_count, b'\0')
            return struct.pack('<III', STATUS_SUCCESS, fit, 0x20000) + struct.pack('<I', byte_count) + pad4(buf) + struct.pack('<II', byte_count, index + fit) + b'\x01'
        if opnum == 7:  # RpcWinStationSendMessage
            self.lookup(r.take(20), 'SERVER_HANDLE')
            sid = r.u32()
            title = self.wchars(r, 'TitleLength')
            message = self.wchars(r, 'MessageLength')
            style, timeout = r.u32(), r.u32()
            nowait = r.u8()
            emit({'event': 'call', 'op': 'RpcWinStationSendMessage', 'session': sid, 'title': title, 'message': message,
                  'style': style, 'timeout': timeout, 'doNotWait': nowait})
            self.misbehave(sid)
            if self.r.session(sid) is None:
                return struct.pack('<II', STATUS_CTX_WINSTATION_NOT_FOUND, 0) + b'\0'
            if self.r.msg_denied(sid):
                return struct.pack('<II', STATUS_ACCESS_DENIED, 0) + b'\0'
            return struct.pack('<II', STATUS_SUCCESS, IDASYNC if nowait else self.r.answer) + b'\x01'
        return Fault(NCA_OP_RNG_ERROR)

    def misbehave(self, sid):
        """'hangup': the message request arrived, the pipe ends without an answer; 'stall': no answer ever."""
        if sid in self.r.hangup:
            raise Hangup()
        if sid in self.r.stall:
            threading.Event().wait(3600)

    @staticmethod
    def wchars(r, what):
        """[size_is(Length)] PWCHAR then the [range(0,1024)] Length: max_count must equal it."""
        r.align(4)
        mx = r.u32()
        raw = r.take(2 * mx)
        r.align(4)
        length = r.u32()
        if length != mx or length > 1024:
            raise BadStub(what)
        return raw.decode('utf-16le').split('\0', 1)[0]


class Fault:
    def __init__(self, status):
        self.status = status


class ContextMismatch(Exception):
    pass


class Hangup(Exception):
    pass


def rpc_listener(pipe, responder):
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(('127.0.0.1', 0))
    srv.listen(16)

    def loop():
        while True:
            conn, _ = srv.accept()
            threading.Thread(target=Connection(conn, pipe, responder).serve, daemon=True).start()

    threading.Thread(target=loop, daemon=True).start()
    return srv.getsockname()


def main():
    from impacket import smbserver, ntlm  # imported late: the RPC part above needs none of it
    import logging
    logging.getLogger('impacket').setLevel(logging.CRITICAL)
    responder = Responder(CONFIG)
    server = smbserver.SimpleSMBServer(listenAddress=CONFIG.get('host', '127.0.0.1'), listenPort=0)
    server.setSMB2Support(True)
    server.setSMBChallenge('')
    server.setLogFile('/dev/null')
    user = CONFIG['user']
    global NTHASH
    NTHASH = ntlm.compute_nthash(CONFIG['password'])
    nthash = hexlify(NTHASH).decode()
    server.addCredential(user, 1000, 'aad3b435b51404eeaad3b435b51404ee', nthash)
    if CONFIG.get('lsmRefused'):
        # A pipe whose backend cannot be reached: impacket's SMB2 CREATE then answers STATUS_ACCESS_DENIED,
        # which stands in for a pipe the caller may not open.
        closed = socket.socket()
        closed.bind(('127.0.0.1', 0))
        server.registerNamedPipe('LSM_API_service', closed.getsockname())
        closed.close()
    elif CONFIG.get('lsm', True):
        server.registerNamedPipe('LSM_API_service', rpc_listener('lsm', responder))
    if CONFIG.get('legacy', True):
        server.registerNamedPipe('Ctx_WinStation_API_service', rpc_listener('legacy', responder))
    inner = getattr(server, '_SimpleSMBServer__server')
    emit({'event': 'ready', 'port': inner.server_address[1], 'pid': os.getpid()})
    server.start()


if __name__ == '__main__':
    main()
