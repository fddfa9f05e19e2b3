/**
 * Sending probes: HTTP through node:http(s) (any method, any body, exact headers), and raw bytes
 * through node:net for requests no HTTP client would send. Both give up after a timeout.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { connect } from "node:net";
import type { Answer, HttpRequest, Outcome, RawRequest } from "./types.js";

/** Answers bigger than this are cut; no conforming error body comes close. */
const MAX_BODY = 1024 * 1024;

/** Where and how to send. Call {@link Transport.close} when done. */
export class Transport {
  readonly base: URL;
  readonly timeoutMs: number;
  private readonly agent: HttpAgent | HttpsAgent;

  constructor(base: URL, options: { timeoutMs: number; concurrency: number }) {
    this.base = base;
    this.timeoutMs = options.timeoutMs;
    const agentOptions = { keepAlive: true, maxSockets: options.concurrency };
    this.agent = base.protocol === "https:" ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
  }

  /** Sends one probe request. Never rejects: failures come back as `{ error }`. */
  send(request: HttpRequest | RawRequest): Promise<Outcome> {
    return request.kind === "raw" ? this.sendRaw(request) : this.sendHttp(request);
  }

  close(): void {
    this.agent.destroy();
  }

  private async sendHttp(probe: HttpRequest): Promise<Outcome> {
    const first = await this.sendHttpOnce(probe);
    // A kept-alive connection the server closed just as it was reused: the request never arrived.
    if ("error" in first && first.retry === true) return this.sendHttpOnce(probe);
    return first;
  }

  private sendHttpOnce(probe: HttpRequest): Promise<Outcome & { retry?: boolean }> {
    const url = new URL(`${this.base.origin}${probe.target}`);
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const headers: Record<string, string | number> = { ...probe.headers };
    if (probe.body !== undefined) headers["content-length"] = Buffer.byteLength(probe.body);
    return new Promise((resolve) => {
      let settled = false;
      const done = (outcome: Outcome & { retry?: boolean }) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(outcome);
      };
      const req = send(url, { method: probe.method, headers, agent: this.agent });
      const timer = setTimeout(() => {
        done({ error: `no answer within ${this.timeoutMs} ms`, code: "ETIMEDOUT" });
        req.destroy();
      }, this.timeoutMs);
      req.on("response", (res) => {
        readAnswer(res).then((answer) => done({ answer }));
      });
      req.on("error", (error: Error & { code?: string }) => {
        // A server that answers before reading the whole body (413) may reset the upload; the
        // answer has already arrived then, and `response` settles first.
        const stale = req.reusedSocket && (error.code === "ECONNRESET" || error.code === "EPIPE");
        setTimeout(() => done({ ...errorOutcome(error), ...(stale ? { retry: true } : {}) }), 50);
      });
      req.end(probe.body);
    });
  }

  private sendRaw(probe: RawRequest): Promise<Outcome> {
    const port = Number(this.base.port || 80);
    return new Promise((resolve) => {
      const socket = connect(port, this.base.hostname);
      const chunks: Buffer[] = [];
      let size = 0;
      let settled = false;
      const finish = (outcome?: Outcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        resolve(outcome ?? parseRaw(Buffer.concat(chunks)));
      };
      const timer = setTimeout(() => {
        finish(size > 0 ? undefined : { error: `no answer within ${this.timeoutMs} ms`, code: "ETIMEDOUT" });
      }, this.timeoutMs);
      socket.on("connect", () => socket.write(probe.data));
      socket.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size > MAX_BODY || rawComplete(Buffer.concat(chunks))) finish();
      });
      socket.on("error", (error: Error & { code?: string }) => {
        finish(size > 0 ? undefined : errorOutcome(error));
      });
      socket.on("close", () => finish());
    });
  }
}

function errorOutcome(error: Error & { code?: string }): Outcome {
  return error.code === undefined ? { error: error.message } : { error: error.code, code: error.code };
}

function readAnswer(res: IncomingMessage): Promise<Answer> {
  const headers: Record<string, string> = {};
  const raw = res.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    const value = raw[i + 1] as string;
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const done = () => {
      if (settled) return;
      settled = true;
      resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString("utf8") });
    };
    res.on("data", (chunk: Buffer) => {
      if (size >= MAX_BODY) return;
      chunks.push(chunk);
      size += chunk.length;
    });
    res.on("end", done);
    res.on("close", done);
    res.on("error", done);
  });
}

const HEAD_END = "\r\n\r\n";

function rawComplete(data: Buffer): boolean {
  const text = data.toString("latin1");
  const end = text.indexOf(HEAD_END);
  if (end === -1) return false;
  const length = /\r\ncontent-length:[ \t]*(\d+)/i.exec(text.slice(0, end + 2));
  return length !== null && data.length - (end + HEAD_END.length) >= Number(length[1]);
}

/** The first HTTP response in raw bytes. */
export function parseRaw(data: Buffer): Outcome {
  const text = data.toString("latin1");
  if (text.length === 0) return { error: "connection closed without an answer", code: "ECLOSED" };
  const end = text.indexOf(HEAD_END);
  const head = end === -1 ? text : text.slice(0, end);
  const lines = head.split("\r\n");
  const status = /^HTTP\/\d(?:\.\d)? (\d{3})/.exec(lines[0] ?? "");
  if (status === null) return { error: "the answer is not HTTP", code: "EPROTO" };
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  let body =
    end === -1 ? Buffer.alloc(0) : data.subarray(Buffer.byteLength(text.slice(0, end + 4), "latin1"));
  const length = Number(headers["content-length"]);
  if (Number.isSafeInteger(length) && body.length > length) body = body.subarray(0, length);
  return { answer: { status: Number(status[1]), headers, body: body.toString("utf8") } };
}
