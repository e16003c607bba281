#!/usr/bin/python3
"""SMTP sink for tests: plain SMTP on 127.0.0.1 (no TLS), optional AUTH PLAIN/LOGIN,
delivering into the test Dovecot over LMTP so sent mail can be read back over IMAP.

Configured by the environment (tests/support/smtp.rs sets it):
  SMTP_PORT          port to listen on (127.0.0.1)
  LMTP_PORT          Dovecot's LMTP port (127.0.0.1)
  SMTP_USER/PASS     the one accepted login; AUTH is optional, a wrong one gets 535
  SMTP_LOG           optional file; one JSON line is appended per accepted message:
                     {"mail_from", "rcpt_tos", "message_id", "size", "delivered"}
  SMTP_INTROSPECT    optional; when set, AUTH XOAUTH2 is offered and its bearer token is
                     checked at this RFC 7662 introspection URL (the OAuth stand-in's, the
                     same Dovecot asks): active, and its username the XOAUTH2 user, or 535
                     (answered at once, as Exchange Online does; Gmail's JSON challenge is
                     not played).
  SMTP_LOCAL_DOMAIN  recipients in this domain (default example.test) go to Dovecot;
                     Dovecot refusing one (no such user) gets 550 at RCPT. Recipients
                     in any other domain stand for the outside world: accepted and
                     logged, delivered nowhere.

Invariant: the SMTP_LOG line is written before the 250 reply to DATA, so once a
client's send returns, the log holds it. Failures are answered 451 (Dovecot down:
try again) or 550 (Dovecot refused), and are not logged.

Needs Debian's python3-aiosmtpd: run with /usr/bin/python3, not a venv.
"""
import asyncio
import email.parser
import json
import logging
import os
import re
import smtplib
import base64
import urllib.parse
import urllib.request

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

LISTEN_PORT = int(os.environ.get('SMTP_PORT', '10025'))
LMTP_HOST, LMTP_PORT = '127.0.0.1', int(os.environ.get('LMTP_PORT', '10024'))
SMTP_USER = os.environ.get('SMTP_USER', 'helpdesk@example.test').encode()
SMTP_PASS = os.environ.get('SMTP_PASS', 'secret').encode()
SMTP_LOG = os.environ.get('SMTP_LOG') or None
INTROSPECT = os.environ.get('SMTP_INTROSPECT') or None
LOCAL_DOMAIN = os.environ.get('SMTP_LOCAL_DOMAIN', 'example.test').lower()
ENHANCED_CODE = re.compile(r'^\d\.\d{1,3}\.\d{1,3} ')

# aiosmtpd 1.4 logs a warning about its own use of Session.login_data on every login.
logging.getLogger('mail.log').addFilter(lambda record: 'login_data is deprecated' not in record.getMessage())


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == SMTP_USER and auth_data.password == SMTP_PASS
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535 on failure


def is_local(address):
    return address.rpartition('@')[2].lower() == LOCAL_DOMAIN


def lmtp_check(mail_from, rcpt):
    """Ask Dovecot whether it would take `rcpt`: (code, text)."""
    try:
        with smtplib.LMTP(LMTP_HOST, LMTP_PORT) as lmtp:
            lmtp.ehlo()  # sends LHLO
            code, msg = lmtp.mail(mail_from)
            if code == 250:
                code, msg = lmtp.rcpt(rcpt)
            lmtp.rset()
            return code, ENHANCED_CODE.sub('', msg.decode(errors='replace'))
    except (OSError, smtplib.SMTPException) as e:
        return 451, f'LMTP unavailable: {e}'


def lmtp_deliver(mail_from, rcpt, content):
    """Deliver to one recipient (smtplib.LMTP reads a single reply after DATA,
    so one transaction per recipient). None on success, else (code, text)."""
    try:
        with smtplib.LMTP(LMTP_HOST, LMTP_PORT) as lmtp:
            lmtp.sendmail(mail_from, [rcpt], content)
        return None
    except smtplib.SMTPRecipientsRefused as e:
        code, msg = e.recipients[rcpt]
        return code, ENHANCED_CODE.sub('', msg.decode(errors='replace'))
    except smtplib.SMTPResponseException as e:
        return e.smtp_code, str(e.smtp_error)
    except (OSError, smtplib.SMTPException) as e:
        return 451, f'LMTP unavailable: {e}'


def message_id(content):
    headers = email.parser.BytesHeaderParser().parsebytes(content, headersonly=True)
    value = headers.get('Message-ID')
    return ' '.join(str(value).split()) if value is not None else None


def introspect(token):
    data = urllib.parse.urlencode({'token': token}).encode()
    req = urllib.request.Request(INTROSPECT, data=data,
                                 headers={'Content-Type': 'application/x-www-form-urlencoded'})
    with urllib.request.urlopen(req, timeout=5) as r:
        return json.loads(r.read())


class LmtpRelay:
    async def auth_XOAUTH2(self, server, args):
        """XOAUTH2 (https://developers.google.com/workspace/gmail/imap/xoauth2-protocol):
        base64 of user=…^Aauth=Bearer …^A^A, as the initial response or after an empty 334."""
        if not INTROSPECT:
            return AuthResult(success=False, handled=False)
        # args: the mechanism, then the initial response if the client sent one.
        if len(args) > 1:
            try:
                raw = base64.b64decode(args[1], validate=True)
            except ValueError:
                return AuthResult(success=False, handled=False)
        else:
            raw = await server.challenge_auth('')
            if not isinstance(raw, bytes):
                return AuthResult(success=False, handled=True)
        fields = dict(p.split('=', 1) for p in raw.decode(errors='replace').split('\x01') if '=' in p)
        user, auth = fields.get('user', ''), fields.get('auth', '')
        if not auth.startswith('Bearer '):
            return AuthResult(success=False, handled=False)
        answer = await asyncio.get_running_loop().run_in_executor(None, introspect, auth[7:])
        ok = answer.get('active') is True and answer.get('username') == user
        return AuthResult(success=ok, handled=False, auth_data=LoginPassword(user.encode(), b''))

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if is_local(address):
            loop = asyncio.get_running_loop()
            code, msg = await loop.run_in_executor(None, lmtp_check, envelope.mail_from or '', address)
            if code >= 500:
                return f'550 5.1.1 {msg}'[:400]
            if code != 250:
                return f'451 4.4.1 {msg}'[:400]
        envelope.rcpt_tos.append(address)
        return '250 2.1.5 OK'

    async def handle_DATA(self, server, session, envelope):
        content = envelope.original_content
        mail_from = envelope.mail_from or ''
        local = [r for r in envelope.rcpt_tos if is_local(r)]

        def deliver_all():
            return [(r, lmtp_deliver(mail_from, r, content)) for r in local]

        results = await asyncio.get_running_loop().run_in_executor(None, deliver_all)
        failed = [(r, err) for r, err in results if err is not None]
        delivered = [r for r, err in results if err is None]
        mid = message_id(content)
        for r in delivered:
            print(f'delivered {mid} from={mail_from} to={r} size={len(content)}', flush=True)
        if failed:
            print(f'LMTP delivery failed for {mid}: {failed} (delivered: {delivered})', flush=True)
            text = '; '.join(f'{r}: {code} {msg}' for r, (code, msg) in failed)[:300]
            if any(code < 500 for _, (code, _) in failed):
                return '451 4.3.0 delivery failed, try again: ' + text
            return '550 5.1.1 delivery failed: ' + text
        for r in envelope.rcpt_tos:
            if not is_local(r):
                print(f'accepted {mid} from={mail_from} to={r} (not local: delivered nowhere)', flush=True)
        if SMTP_LOG:
            line = {'mail_from': mail_from, 'rcpt_tos': list(envelope.rcpt_tos), 'message_id': mid,
                    'size': len(content), 'delivered': delivered}
            with open(SMTP_LOG, 'a', encoding='utf-8') as f:
                f.write(json.dumps(line) + '\n')
        return '250 2.0.0 OK delivered'


async def main():
    handler = LmtpRelay()

    def factory():
        # An explicit hostname: the default does a DNS lookup (getfqdn) per connection.
        return SMTP(handler, hostname='smtp-sink.example.test', authenticator=authenticator,
                    auth_require_tls=False, auth_required=False)

    server = await asyncio.get_running_loop().create_server(factory, '127.0.0.1', LISTEN_PORT)
    print(f'smtp sink listening on 127.0.0.1:{LISTEN_PORT}, delivering to LMTP {LMTP_HOST}:{LMTP_PORT}', flush=True)
    await server.serve_forever()  # until killed


if __name__ == '__main__':
    asyncio.run(main())
