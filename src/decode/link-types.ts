/** LINKTYPE_* values (tcpdump.org link-layer header types) the decoder understands. */
export const LINKTYPE_NULL = 0;
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW = 101;
/** DLT_RAW as some BSDs number it in pcap files. */
export const LINKTYPE_RAW_12 = 12;
/** DLT_RAW on OpenBSD. */
export const LINKTYPE_RAW_14 = 14;
export const LINKTYPE_LOOP = 108;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const LINKTYPE_LINUX_SLL2 = 276;
