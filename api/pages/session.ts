/**
 * Browser sign-in without API keys in URLs: the sign-in form exchanges a key (checked by the API's
 * own `authenticate`, api/auth.ts) for a session cookie — random id, HttpOnly, SameSite=Strict,
 * Path=/ui, with an absolute expiry (Max-Age and Expires), Secure when the request came over HTTPS.
 * Every form carries the session's CSRF token (synchronizer token) and every POST checks it, and
 * the Origin header when the browser sends one; the sign-in form itself is protected by a short-lived
 * pre-session cookie holding its token (login CSRF). Sign-out deletes the session on the server.
 *
 * Sessions live in this API process's memory: a restart signs everyone out (nothing else is lost),
 * and several API processes behind one address would need a shared store.
 * API clients are unaffected: they keep sending `Authorization: Bearer <key>`.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { authenticate, type KeyTable, type Principal, type Role } from '../auth.js';
import { HttpError } from '../errors.js';

export const SESSION_COOKIE = 'yakkan_session';
export const PRESESSION_COOKIE = 'yakkan_signin';
export const COOKIE_PATH = '/ui';

export interface Session {
  id: string;
  principal: Principal;
  csrf: string;
  createdAt: number;
  expiresAt: number;
}

export interface SessionOptions {
  /** Absolute lifetime of a session (default 8 hours: a working day). */
  ttlMs?: number;
  /** Most sessions kept at once; the oldest goes first (default 10,000). */
  maxSessions?: number;
  now?: () => number;
}

const token = () => randomBytes(32).toString('base64url');

export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  readonly ttlMs: number;
  private readonly max: number;
  private readonly now: () => number;

  constructor(o: SessionOptions = {}) {
    this.ttlMs = o.ttlMs ?? 8 * 3600_000;
    this.max = o.maxSessions ?? 10_000;
    this.now = o.now ?? Date.now;
  }

  create(principal: Principal): Session {
    this.sweep();
    while (this.sessions.size >= this.max) this.sessions.delete(this.sessions.keys().next().value!);
    const t = this.now();
    const s: Session = { id: token(), principal, csrf: token(), createdAt: t, expiresAt: t + this.ttlMs };
    this.sessions.set(s.id, s);
    return s;
  }

  get(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const s = this.sessions.get(id);
    if (!s) return undefined;
    if (s.expiresAt <= this.now()) {
      this.sessions.delete(id);
      return undefined;
    }
    return s;
  }

  delete(id: string): void {
    this.sessions.delete(id);
  }

  get size(): number {
    return this.sessions.size;
  }

  private sweep(): void {
    const t = this.now();
    for (const [id, s] of this.sessions) if (s.expiresAt <= t) this.sessions.delete(id);
  }
}

/** Cookies of the request (no cookie-parser dependency: the header is small and simple). */
export function readCookies(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    try {
      out[name] = decodeURIComponent(value);
    } catch {
      out[name] = value;
    }
  }
  return out;
}

function cookie(req: Request, name: string, value: string, maxAgeMs: number, nowMs: number): string {
  const parts = [
    `${name}=${encodeURIComponent(value)}`,
    `Path=${COOKIE_PATH}`,
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${Math.max(0, Math.floor(maxAgeMs / 1000))}`,
    `Expires=${new Date(nowMs + Math.max(0, maxAgeMs)).toUTCString()}`,
  ];
  if (req.secure) parts.push('Secure');
  return parts.join('; ');
}

/** The cookie lives exactly as long as the session: Max-Age its lifetime, Expires its end. */
export function setSessionCookie(req: Request, res: Response, s: Session): void {
  res.append('Set-Cookie', cookie(req, SESSION_COOKIE, s.id, s.expiresAt - s.createdAt, s.createdAt));
}

export function clearCookie(req: Request, res: Response, name: string): void {
  res.append('Set-Cookie', cookie(req, name, '', 0, 0));
}

/** The sign-in form's token: a fresh one in a 10-minute cookie, returned for the hidden field. */
export function issueSignInToken(req: Request, res: Response): string {
  const t = token();
  res.append('Set-Cookie', cookie(req, PRESESSION_COOKIE, t, 10 * 60_000, Date.now()));
  return t;
}

export function sameToken(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The browser's Origin (sent with every POST by current browsers) must be this server; a request
 * without it (older clients) still has to pass the CSRF token check.
 */
export function sameOrigin(req: Request): boolean {
  const origin = req.get('origin');
  if (!origin || origin === 'null') return !origin;
  try {
    return new URL(origin).host === req.get('host');
  } catch {
    return false;
  }
}

/**
 * Checks an API key exactly as API clients are checked (api/auth.ts `authenticate`), so the key
 * table, its parsing and its constant-time comparison stay in one place.
 */
export function principalForKey(keys: KeyTable, key: string): Principal | undefined {
  if (!key || /\s/.test(key)) return undefined;
  const headers: Record<string, string> = { authorization: `Bearer ${key}` };
  const probe = { headers, get: (name: string) => headers[name.toLowerCase()] } as unknown as Request;
  let principal: Principal | undefined;
  authenticate(keys)(probe, {} as Response, ((e?: unknown) => {
    if (!e) principal = probe.principal;
  }) as NextFunction);
  return principal;
}

declare module 'express-serve-static-core' {
  interface Request {
    session?: Session;
  }
}

/** Loads the session of the cookie (if any) into req.session and req.principal. */
export function loadSession(store: SessionStore) {
  return (req: Request, _res: Response, next: NextFunction) => {
    const s = store.get(readCookies(req)[SESSION_COOKIE]);
    if (s) {
      req.session = s;
      req.principal = s.principal;
    }
    next();
  };
}

/** Pages for `roles`: without a session a browser is sent to sign in; a wrong role is a 403. */
export function requirePageRole(...roles: Role[]) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.session) {
      if (req.method === 'GET') return res.redirect(303, `/ui/sign-in?next=${encodeURIComponent(req.originalUrl)}`);
      return next(new HttpError(401, 'unauthenticated', 'サインインしてください（sign in first）'));
    }
    if (!roles.includes(req.session.principal.role)) {
      return next(new HttpError(403, 'forbidden', `この操作には ${roles.join(' / ')} の権限が必要です（this page needs the ${roles.join(' or ')} role）`));
    }
    next();
  };
}

/** Every POST under /ui (except sign-in, which has its own token) must carry the session's CSRF token. */
export function requireCsrf() {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (req.method !== 'POST') return next();
    if (!sameOrigin(req)) return next(new HttpError(403, 'csrf', '別のサイトからの送信は受け付けません（cross-site request refused）'));
    const sent = typeof req.body?._csrf === 'string' ? (req.body._csrf as string) : undefined;
    if (!req.session || !sameToken(sent, req.session.csrf)) {
      return next(new HttpError(403, 'csrf', 'フォームの有効期限が切れました。もう一度お試しください（CSRF token missing or wrong）'));
    }
    next();
  };
}
