// The notifier interface: deliver one message about a run transition. Implementations never throw:
// a failed delivery is returned (and recorded by the caller) but never fails a deploy.

export interface NotificationMessage {
  event: string;
  text: string;
  data: Record<string, unknown>;
}

export interface DeliveryResult {
  ok: boolean;
  attempts: number;
  status?: number;
  error?: string;
}

export interface Notifier {
  send(message: NotificationMessage, signal?: AbortSignal): Promise<DeliveryResult>;
}
