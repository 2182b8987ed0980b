import { parseDuration } from '../../config/duration.js';

/** The keys every network exporter section shares (queue_size, flush_timeout). */
export interface DeliveryKeys {
  queue_size: number;
  flush_timeout: string;
}

export function deliverySettings(section: DeliveryKeys): { queueSize: number; flushTimeoutMs: number } {
  return { queueSize: section.queue_size, flushTimeoutMs: parseDuration(section.flush_timeout) / 1e6 };
}
