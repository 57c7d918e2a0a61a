// Slack-compatible webhook: POST {"text": …, "event": …, "data": …} as JSON, retried with backoff.

import { setTimeout as sleep } from 'node:timers/promises';
import type { DeliveryResult, NotificationMessage, Notifier } from './notifier.js';

export interface WebhookOptions {
  url: string;
  attempts?: number;
  backoffMs?: number;
  timeoutMs?: number;
}

export function createWebhookNotifier(options: WebhookOptions): Notifier {
  const attempts = options.attempts ?? 3;
  const backoffMs = options.backoffMs ?? 500;
  return {
    async send(message: NotificationMessage, signal?: AbortSignal): Promise<DeliveryResult> {
      let last: DeliveryResult = { ok: false, attempts: 0 };
      for (let i = 1; i <= attempts; i++) {
        try {
          const res = await fetch(options.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ text: message.text, event: message.event, data: message.data }),
            signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
          });
          await res.arrayBuffer();
          if (res.ok) return { ok: true, attempts: i, status: res.status };
          last = { ok: false, attempts: i, status: res.status, error: `HTTP ${res.status}` };
          if (res.status < 500 && res.status !== 429) return last; // the receiver refuses: retrying won't help
        } catch (e) {
          last = { ok: false, attempts: i, error: (e as Error).message };
        }
        if (signal?.aborted) return last;
        if (i < attempts) await sleep(backoffMs * 2 ** (i - 1));
      }
      return last;
    },
  };
}
