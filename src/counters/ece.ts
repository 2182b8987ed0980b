import { TCP_ECE } from '../decode/packet-summary.js';
import { tcpFlagCounter } from './tcp-flag-counter.js';

export const ECE = tcpFlagCounter('ECE', TCP_ECE, 'ECE (ECN-Echo)');
