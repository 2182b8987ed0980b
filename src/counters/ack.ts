import { TCP_ACK } from '../decode/packet-summary.js';
import { tcpFlagCounter } from './tcp-flag-counter.js';

export const ACK = tcpFlagCounter('ACK', TCP_ACK, 'ACK');
