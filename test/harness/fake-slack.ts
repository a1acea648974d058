/**
 * A local fake of Slack for tests of the real Bolt app: an HTTP server answering the Web API
 * methods the bot calls (every call recorded with its arguments and token), response_url
 * endpoints, the file upload URLs of files.uploadV2, a 429 with Retry-After on demand, and a
 * websocket server for Socket Mode (apps.connections.open returns its ws:// URL; tests push
 * envelopes and get the app's ack back). It also signs requests the way Slack does for HTTP
 * mode, with valid, forged or stale signatures.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface RecordedCall {
  /** Web API method ("chat.postMessage"), or "response_url" / "file_upload" for those endpoints. */
  method: string;
  /** Arguments with JSON-looking values (blocks, files, view) parsed. */
  args: Record<string, unknown>;
  token: string | null;
  at: number;
}

export interface PostedMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: Block[];
  /** Every version of the message, oldest first (postMessage, then each chat.update). */
  history: Array<{ text: string; blocks: Block[] }>;
  threadTs?: string;
}

/** A Block Kit block as posted; tests look into it loosely. */
export type Block = Record<string, unknown> & { type: string };

export interface FakeSlackOptions {
  botToken?: string;
  appToken?: string;
  botUserId?: string;
  /** Members of each user group, for usergroups.users.list. */
  userGroups?: Record<string, string[]>;
}

interface SocketAckWaiter {
  resolve: (payload: Record<string, unknown>) => void;
}

export class FakeSlack {
  readonly botToken: string;
  readonly appToken: string;
  readonly botUserId: string;
  readonly calls: RecordedCall[] = [];
  readonly messages = new Map<string, PostedMessage>();
  /** Channels the bot is not a member of: posting there fails with not_in_channel. */
  readonly notInChannel = new Set<string>();
  readonly userGroups: Record<string, string[]>;
  /** Uploaded file contents by file id. */
  readonly uploads = new Map<string, { filename: string; title?: string; bytes: Buffer; channel?: string; threadTs?: string }>();

  private server: Server | null = null;
  private wss: WebSocketServer | null = null;
  private sockets = new Set<WebSocket>();
  private rateLimits = new Map<string, number[]>();
  private tsCounter = 1_700_000_000;
  private fileCounter = 0;
  private ackWaiters = new Map<string, SocketAckWaiter>();
  private watchers = new Set<() => void>();
  private baseUrl = '';

  constructor(opts: FakeSlackOptions = {}) {
    this.botToken = opts.botToken ?? `xoxb-test-${randomBytes(6).toString('hex')}`;
    this.appToken = opts.appToken ?? `xapp-test-${randomBytes(6).toString('hex')}`;
    this.botUserId = opts.botUserId ?? 'UBOTFAKE';
    this.userGroups = opts.userGroups ?? {};
  }

  /** Base URL for SLACK_API_URL (ends with "/api/", like https://slack.com/api/). */
  get apiUrl(): string {
    return `${this.baseUrl}/api/`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        res.writeHead(500).end(String(err));
      });
    });
    this.wss = new WebSocketServer({ server: this.server, path: '/socket' });
    this.wss.on('connection', (ws) => {
      this.sockets.add(ws);
      ws.on('close', () => this.sockets.delete(ws));
      ws.on('message', (data) => {
        const msg = JSON.parse(String(data)) as { envelope_id?: string; payload?: Record<string, unknown> };
        this.record('socket_ack', { envelope_id: msg.envelope_id, payload: msg.payload ?? {} }, null);
        const waiter = msg.envelope_id ? this.ackWaiters.get(msg.envelope_id) : undefined;
        if (waiter && msg.envelope_id) {
          this.ackWaiters.delete(msg.envelope_id);
          waiter.resolve(msg.payload ?? {});
        }
      });
      ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'fake-slack' }, connection_info: { app_id: 'AFAKE' } }));
      this.notify();
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const port = (this.server.address() as AddressInfo).port;
    this.baseUrl = `http://127.0.0.1:${port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    await new Promise<void>((resolve) => (this.wss ? this.wss.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The next `count` calls of `method` get HTTP 429 with Retry-After: `seconds`. */
  rateLimit(method: string, seconds: number, count = 1): void {
    this.rateLimits.set(method, [...(this.rateLimits.get(method) ?? []), ...Array<number>(count).fill(seconds)]);
  }

  /** A fresh response_url; what the app posts there is recorded as method "response_url". */
  responseUrl(): string {
    return `${this.baseUrl}/response/${randomBytes(6).toString('hex')}`;
  }

  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Resolves when `check` returns something (re-checked after every recorded call). */
  async waitFor<T>(check: () => T | undefined | null | false, what = 'a condition'): Promise<T> {
    const first = check();
    if (first) return first;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.watchers.delete(watcher);
        reject(new Error(`fake Slack: gave up waiting for ${what}; calls so far: ${this.calls.map((c) => c.method).join(', ')}`));
      }, 60_000);
      const watcher = (): void => {
        const v = check();
        if (v) {
          clearTimeout(timer);
          this.watchers.delete(watcher);
          resolve(v);
        }
      };
      this.watchers.add(watcher);
    });
  }

  /** Resolves when a Socket Mode client is connected. */
  async socketConnected(): Promise<void> {
    await this.waitFor(() => this.sockets.size > 0, 'a Socket Mode connection');
  }

  /**
   * Sends a Socket Mode envelope (type "slash_commands", "interactive", "events_api") to the
   * connected app and resolves with the payload of its ack.
   */
  async sendEnvelope(type: string, payload: Record<string, unknown>, opts: { retryAttempt?: number } = {}): Promise<Record<string, unknown>> {
    const ws = [...this.sockets][0];
    if (!ws) throw new Error('fake Slack: no Socket Mode client is connected');
    const envelopeId = randomBytes(8).toString('hex');
    const acked = new Promise<Record<string, unknown>>((resolve) => this.ackWaiters.set(envelopeId, { resolve }));
    ws.send(
      JSON.stringify({
        envelope_id: envelopeId,
        type,
        payload,
        accepts_response_payload: type !== 'events_api',
        retry_attempt: opts.retryAttempt ?? 0,
        retry_reason: opts.retryAttempt ? 'timeout' : '',
      }),
    );
    return acked;
  }

  private record(method: string, args: Record<string, unknown>, token: string | null): RecordedCall {
    const call = { method, args, token, at: Date.now() };
    this.calls.push(call);
    // Watchers run after the response is on its way, so a waiting test sees the state it checks.
    setImmediate(() => this.notify());
    return call;
  }

  private notify(): void {
    for (const w of [...this.watchers]) w();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', this.baseUrl);
    const json = (status: number, value: unknown, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(value));
    };

    if (url.pathname.startsWith('/response/')) {
      const args = JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
      this.record('response_url', { ...args, url: url.toString() }, null);
      json(200, { ok: true });
      return;
    }
    if (url.pathname.startsWith('/upload/')) {
      const fileId = url.pathname.slice('/upload/'.length);
      const form = await new Response(new Uint8Array(body), { headers: { 'content-type': req.headers['content-type'] ?? '' } }).formData().catch(() => null);
      const file = form?.get('file') ?? form?.get('filename');
      const bytes = file && typeof file !== 'string' ? Buffer.from(await file.arrayBuffer()) : body;
      const entry = this.uploads.get(fileId);
      if (entry) entry.bytes = bytes;
      this.record('file_upload', { fileId, size: bytes.length }, null);
      res.writeHead(200, { 'content-type': 'text/plain' }).end('OK - ' + bytes.length);
      return;
    }
    if (!url.pathname.startsWith('/api/')) {
      res.writeHead(404).end();
      return;
    }
    const method = url.pathname.slice('/api/'.length);
    const args = parseArgs(body, req.headers['content-type'] ?? '');
    const auth = req.headers.authorization;
    const token = auth?.startsWith('Bearer ') ? auth.slice(7) : typeof args.token === 'string' ? args.token : null;
    this.record(method, args, token);

    const limits = this.rateLimits.get(method);
    if (limits?.length) {
      const seconds = limits.shift() as number;
      json(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(seconds) });
      return;
    }

    const appLevel = method === 'apps.connections.open';
    const wanted = appLevel ? this.appToken : this.botToken;
    if (!token) return json(200, { ok: false, error: 'not_authed' });
    if (token !== wanted) return json(200, { ok: false, error: 'invalid_auth' });

    json(200, this.answer(method, args));
  }

  private nextTs(): string {
    this.tsCounter += 1;
    return `${this.tsCounter}.000100`;
  }

  private answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    const channel = typeof args.channel === 'string' ? args.channel : '';
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://fake.slack.test/', team: 'Fake', user: 'storage-ops', team_id: 'TFAKE', user_id: this.botUserId, bot_id: 'BFAKE' };
      case 'apps.connections.open':
        return { ok: true, url: `${this.baseUrl.replace(/^http/, 'ws')}/socket` };
      case 'chat.postMessage': {
        if (this.notInChannel.has(channel)) return { ok: false, error: 'not_in_channel' };
        const ts = this.nextTs();
        const text = String(args.text ?? '');
        const blocks = (args.blocks as Block[] | undefined) ?? [];
        const msg: PostedMessage = { channel, ts, text, blocks, history: [{ text, blocks }] };
        if (typeof args.thread_ts === 'string') msg.threadTs = args.thread_ts;
        this.messages.set(`${channel}/${ts}`, msg);
        return { ok: true, channel, ts, message: { text, blocks } };
      }
      case 'chat.update': {
        const msg = this.messages.get(`${channel}/${String(args.ts)}`);
        if (!msg) return { ok: false, error: 'message_not_found' };
        msg.text = String(args.text ?? msg.text);
        msg.blocks = (args.blocks as Block[] | undefined) ?? msg.blocks;
        msg.history.push({ text: msg.text, blocks: msg.blocks });
        return { ok: true, channel, ts: msg.ts };
      }
      case 'chat.postEphemeral':
        if (this.notInChannel.has(channel)) return { ok: false, error: 'not_in_channel' };
        return { ok: true, message_ts: this.nextTs() };
      case 'views.publish':
        return { ok: true, view: { id: 'VFAKE', ...(args.view as object) } };
      case 'usergroups.users.list': {
        const users = this.userGroups[String(args.usergroup)];
        return users ? { ok: true, users } : { ok: false, error: 'no_such_subteam' };
      }
      case 'files.getUploadURLExternal': {
        const fileId = `F${(++this.fileCounter).toString().padStart(6, '0')}`;
        this.uploads.set(fileId, { filename: String(args.filename), bytes: Buffer.alloc(0) });
        return { ok: true, upload_url: `${this.baseUrl}/upload/${fileId}`, file_id: fileId };
      }
      case 'files.completeUploadExternal': {
        if (channel && this.notInChannel.has(String(args.channel_id ?? channel))) return { ok: false, error: 'not_in_channel' };
        const files = (args.files as Array<{ id: string; title?: string }> | undefined) ?? [];
        for (const f of files) {
          const u = this.uploads.get(f.id);
          if (!u) continue;
          if (f.title !== undefined) u.title = f.title;
          if (typeof args.channel_id === 'string') u.channel = args.channel_id;
          if (typeof args.thread_ts === 'string') u.threadTs = args.thread_ts;
        }
        return { ok: true, files: files.map((f) => ({ id: f.id, title: f.title })) };
      }
      case 'conversations.info':
        return { ok: true, channel: { id: channel, is_member: !this.notInChannel.has(channel) } };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function parseArgs(body: Buffer, contentType: string): Record<string, unknown> {
  const text = body.toString('utf8');
  if (contentType.includes('application/json')) return JSON.parse(text || '{}') as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(text)) {
    out[k] = /^[[{]/.test(v) ? safeJson(v) : v;
  }
  return out;
}

function safeJson(v: string): unknown {
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

/** Slack's request signature: v0=hex(hmac_sha256(secret, "v0:<ts>:<body>")). */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return 'v0=' + createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
}

export type SignatureKind = 'valid' | 'forged' | 'stale';

/** Posts a request to the app's /slack/events the way Slack does in HTTP mode. */
export async function sendSigned(
  url: string,
  secret: string,
  body: string,
  opts: { kind?: SignatureKind; contentType?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: string }> {
  const kind = opts.kind ?? 'valid';
  const now = Math.floor(Date.now() / 1000);
  // Slack rejects anything older than five minutes; ten is clearly stale.
  const ts = kind === 'stale' ? now - 10 * 60 : now;
  const signature = kind === 'forged' ? slackSignature('not-the-secret', ts, body) : slackSignature(secret, ts, body);
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': opts.contentType ?? 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': signature,
      ...opts.headers,
    },
    body,
  });
  return { status: res.status, body: await res.text() };
}

/** The form fields Slack sends for `/storage <text>`. */
export function slashCommandPayload(text: string, opts: { user?: string; userName?: string; channel?: string; responseUrl: string }): Record<string, string> {
  return {
    token: 'deprecated-verification-token',
    team_id: 'TFAKE',
    team_domain: 'fake',
    channel_id: opts.channel ?? 'COPS',
    channel_name: 'ops',
    user_id: opts.user ?? 'UALICE',
    user_name: opts.userName ?? 'alice',
    command: '/storage',
    text,
    api_app_id: 'AFAKE',
    response_url: opts.responseUrl,
    trigger_id: `trig.${randomBytes(4).toString('hex')}`,
  };
}

/** The interaction payload Slack sends when someone clicks a button on a message. */
export function blockActionPayload(opts: {
  user: string;
  userName?: string;
  actionId: string;
  value: string;
  channel: string;
  messageTs: string;
  responseUrl: string;
  triggerId?: string;
}): Record<string, unknown> {
  return {
    type: 'block_actions',
    team: { id: 'TFAKE', domain: 'fake' },
    user: { id: opts.user, username: opts.userName ?? opts.user.toLowerCase(), name: opts.userName ?? opts.user.toLowerCase(), team_id: 'TFAKE' },
    api_app_id: 'AFAKE',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: opts.messageTs, channel_id: opts.channel, is_ephemeral: false },
    trigger_id: opts.triggerId ?? `trig.${randomBytes(4).toString('hex')}`,
    channel: { id: opts.channel, name: 'ops' },
    message: { ts: opts.messageTs, type: 'message', text: '' },
    response_url: opts.responseUrl,
    actions: [{ type: 'button', action_id: opts.actionId, block_id: 'b', value: opts.value, action_ts: `${Date.now() / 1000}` }],
  };
}

/** Form-encodes fields (slash commands) or a payload (interactions), as Slack's HTTP requests do. */
export function formBody(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

export function interactionBody(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
