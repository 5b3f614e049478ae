/**
 * Live updates for the console without load per viewer: one watch per open case in this API
 * process, however many tabs follow it. The watch asks Temporal for the case's history length
 * (DescribeWorkflowExecution, served by the history service without waking a worker) once a
 * tick; every change to a case (an action, a signal, an activity result, a timer) appends to its
 * history, and a refused action appends nothing. Only a new version reaches the streams, and
 * each tab then reads the case once. The triage counts are watched once per person the same way.
 */
import crypto from 'node:crypto';
import type { Response } from 'express';
import type { Client } from '@temporalio/client';
import type { Actor } from '../workflows/definitions';
import type { PresenceStore, Viewer } from './presence';
import { viewCounts, type ViewCount } from './views';

export interface LiveOptions {
  /** How often a watched case is described. */
  casePollMs: number;
  /** How often a person's view counts are recounted while their list page is open. */
  viewsPollMs: number;
  /** A presence entry outlives its last refresh by this much (a replica that died drops out). */
  presenceTtlMs: number;
  /** A stream ends after this long and the browser reconnects (EventSource does): no stream lives for ever. */
  maxStreamMs: number;
}

export const DEFAULT_LIVE: LiveOptions = { casePollMs: 1_000, viewsPollMs: 5_000, presenceTtlMs: 30_000, maxStreamMs: 10 * 60_000 };

/** One server-sent-events response. */
export class EventStream {
  readonly id = crypto.randomUUID();
  private closed = false;
  private readonly closers: Array<() => void> = [];

  constructor(
    private readonly res: Response,
    maxMs: number,
  ) {
    res.status(200).set({
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
      connection: 'keep-alive',
    });
    res.flushHeaders();
    // The browser waits this long before reconnecting after the stream ends or breaks.
    res.write('retry: 2000\n\n');
    const ping = setInterval(() => this.comment('ping'), 15_000);
    const end = setTimeout(() => this.end(), maxMs);
    this.onClose(() => {
      clearInterval(ping);
      clearTimeout(end);
    });
    res.on('close', () => this.finish());
  }

  send(event: string, data: unknown): void {
    if (!this.closed) this.res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  private comment(text: string): void {
    if (!this.closed) this.res.write(`: ${text}\n\n`);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  onClose(fn: () => void): void {
    this.closers.push(fn);
  }

  end(): void {
    if (!this.closed) this.res.end();
    this.finish();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    for (const fn of this.closers.splice(0)) fn();
  }
}

interface CaseFollower {
  stream: EventStream;
  viewer: Viewer;
}

/** Where a case's history lives: the order's latest run, or one run for ever (a case reference). */
export interface CaseTarget {
  workflowId: string;
  runId?: string;
}

class CaseWatch {
  readonly followers = new Set<CaseFollower>();
  private version: string | undefined;
  private presence: string | undefined;
  private lastTouch = 0;
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(
    private readonly key: string,
    private readonly target: CaseTarget,
    private readonly client: Client,
    private readonly store: PresenceStore,
    private readonly opts: LiveOptions,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.opts.casePollMs);
    void this.tick();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** A newcomer hears the current version and presence at once, the others the new presence. */
  async join(follower: CaseFollower): Promise<void> {
    this.followers.add(follower);
    if (this.version) follower.stream.send('case', { version: this.version });
    await this.store.touch(this.key, follower.stream.id, follower.viewer, Date.now() + this.opts.presenceTtlMs);
    await this.refreshPresence(true);
  }

  async leave(follower: CaseFollower): Promise<void> {
    this.followers.delete(follower);
    await this.store.leave(this.key, follower.stream.id);
    await this.refreshPresence(false);
  }

  private broadcast(event: string, data: unknown): void {
    for (const f of this.followers) f.stream.send(event, data);
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const d = await this.client.workflow.getHandle(this.target.workflowId, this.target.runId).describe();
      const version = `${d.runId}:${d.historyLength}`;
      if (version !== this.version) {
        this.version = version;
        this.broadcast('case', { version, status: d.status.name });
      }
      const now = Date.now();
      if (now - this.lastTouch > this.opts.presenceTtlMs / 3) {
        this.lastTouch = now;
        await Promise.all([...this.followers].map((f) => this.store.touch(this.key, f.stream.id, f.viewer, now + this.opts.presenceTtlMs)));
      }
      await this.refreshPresence(false);
    } catch (err) {
      // Temporal or Redis away for a moment: the streams stay open and the next tick tries again.
      this.broadcast('unavailable', { error: (err as Error).message });
    } finally {
      this.busy = false;
    }
  }

  private async refreshPresence(force: boolean): Promise<void> {
    const viewers = await this.store.viewers(this.key, Date.now());
    const print = JSON.stringify(viewers);
    if (!force && print === this.presence) return;
    this.presence = print;
    this.broadcast('presence', { viewers });
  }
}

class ViewsWatch {
  readonly streams = new Set<EventStream>();
  private print: string | undefined;
  private last: ViewCount[] | undefined;
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(
    private readonly viewer: Actor,
    private readonly client: Client,
    private readonly opts: LiveOptions,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.opts.viewsPollMs);
    void this.tick();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  add(stream: EventStream): void {
    this.streams.add(stream);
    if (this.last) stream.send('views', { views: this.last });
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const views = await viewCounts(this.client, this.viewer, new Date());
      const print = JSON.stringify(views.map((v) => [v.view, v.count]));
      if (print !== this.print) {
        this.print = print;
        this.last = views;
        for (const s of this.streams) s.send('views', { views });
      }
    } catch (err) {
      for (const s of this.streams) s.send('unavailable', { error: (err as Error).message });
    } finally {
      this.busy = false;
    }
  }
}

export class LiveHub {
  private readonly cases = new Map<string, CaseWatch>();
  private readonly views = new Map<string, ViewsWatch>();

  constructor(
    private readonly client: Client,
    private readonly presence: PresenceStore,
    readonly opts: LiveOptions = DEFAULT_LIVE,
  ) {}

  /** Watches running now (one per followed case, one per person on a list page) and the streams they feed. */
  get load(): { caseWatches: number; viewWatches: number; caseStreams: number; viewStreams: number } {
    let caseStreams = 0;
    let viewStreams = 0;
    for (const w of this.cases.values()) caseStreams += w.followers.size;
    for (const w of this.views.values()) viewStreams += w.streams.size;
    return { caseWatches: this.cases.size, viewWatches: this.views.size, caseStreams, viewStreams };
  }

  async followCase(key: string, target: CaseTarget, stream: EventStream, viewer: Viewer): Promise<void> {
    let watch = this.cases.get(key);
    if (!watch) {
      watch = new CaseWatch(key, target, this.client, this.presence, this.opts);
      this.cases.set(key, watch);
      watch.start();
    }
    const follower = { stream, viewer };
    const release = () => {
      void watch.leave(follower).catch(() => undefined);
      if (watch.followers.size === 0 && this.cases.get(key) === watch) {
        watch.stop();
        this.cases.delete(key);
      }
    };
    stream.onClose(release);
    await watch.join(follower);
    // The browser went away while it was joining: its close came before the join, so leave again.
    if (stream.isClosed) release();
  }

  followViews(viewer: Actor, stream: EventStream): void {
    let watch = this.views.get(viewer.id);
    if (!watch) {
      watch = new ViewsWatch(viewer, this.client, this.opts);
      this.views.set(viewer.id, watch);
      watch.start();
    }
    watch.add(stream);
    stream.onClose(() => {
      watch.streams.delete(stream);
      if (watch.streams.size === 0 && this.views.get(viewer.id) === watch) {
        watch.stop();
        this.views.delete(viewer.id);
      }
    });
  }
}
