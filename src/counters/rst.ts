import { TCP_RST } from '../decode/packet-summary.js';
import { tcpFlagCounter } from './tcp-flag-counter.js';

export const RST = tcpFlagCounter('RST', TCP_RST, 'RST');
