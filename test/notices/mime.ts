/**
 * Just enough MIME to read back what nodemailer sent to the test SMTP server: headers (with
 * RFC 2047 encoded words), and the text/plain and text/html parts of a multipart/alternative
 * message (base64, quoted-printable or 7bit).
 */
export interface ParsedMail {
  headers: Map<string, string>;
  subject: string;
  text?: string;
  html?: string;
  contentType: string;
}

function splitHeadBody(raw: string): [string, string] {
  const i = raw.indexOf('\r\n\r\n');
  return i < 0 ? [raw, ''] : [raw.slice(0, i), raw.slice(i + 4)];
}

function parseHeaders(head: string): Map<string, string> {
  const unfolded = head.replace(/\r\n[ \t]+/g, ' ');
  const map = new Map<string, string>();
  for (const line of unfolded.split('\r\n')) {
    const c = line.indexOf(':');
    if (c > 0) map.set(line.slice(0, c).trim().toLowerCase(), line.slice(c + 1).trim());
  }
  return map;
}

function decodeQp(s: string): Buffer {
  const joined = s.replace(/=\r\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const ch = joined[i]!;
    if (ch === '=' && /^[0-9A-F]{2}$/i.test(joined.slice(i + 1, i + 3))) {
      bytes.push(parseInt(joined.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(ch, 'utf8'));
    }
  }
  return Buffer.from(bytes);
}

function decodeBody(body: string, encoding: string | undefined): string {
  const enc = (encoding ?? '7bit').toLowerCase();
  if (enc === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (enc === 'quoted-printable') return decodeQp(body).toString('utf8');
  return body;
}

/** =?UTF-8?B?...?= and =?UTF-8?Q?...?= words, adjacent words joined. */
export function decodeWords(s: string): string {
  return s
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_m, kind: string, data: string) =>
      kind.toLowerCase() === 'b'
        ? Buffer.from(data, 'base64').toString('utf8')
        : decodeQp(data.replace(/_/g, ' ')).toString('utf8'),
    );
}

export function parseMail(raw: string): ParsedMail {
  const [head, body] = splitHeadBody(raw);
  const headers = parseHeaders(head);
  const contentType = headers.get('content-type') ?? 'text/plain';
  const out: ParsedMail = { headers, subject: decodeWords(headers.get('subject') ?? ''), contentType };
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  const parts = boundary
    ? body
        .split(`--${boundary}`)
        .slice(1)
        .filter((p) => !p.startsWith('--'))
        .map((p) => p.replace(/^\r\n/, ''))
    : [raw];
  for (const part of parts) {
    const [ph, pb] = splitHeadBody(part);
    const h = parseHeaders(ph);
    const ct = (h.get('content-type') ?? 'text/plain').toLowerCase();
    const content = decodeBody(pb.replace(/\r\n$/, ''), h.get('content-transfer-encoding'));
    if (ct.startsWith('text/plain')) out.text = content.replace(/\r\n/g, '\n');
    if (ct.startsWith('text/html')) out.html = content.replace(/\r\n/g, '\n');
  }
  return out;
}
