import { TCP_URG } from '../decode/packet-summary.js';
import { tcpFlagCounter } from './tcp-flag-counter.js';

export const URG = tcpFlagCounter('URG', TCP_URG, 'URG');
