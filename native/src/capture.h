/*
 * Live capture engine: one libpcap handle read by a dedicated thread that copies packets
 * into a small pool of large blocks (bytes + per-packet arrays) owned by JavaScript.
 * A block is handed over whole ("published") and comes back when JavaScript releases it,
 * so the JS side runs once per batch, never per packet. No N-API in here: the addon glue
 * supplies the hooks.
 */
#ifndef NETSPOT_CAPTURE_H
#define NETSPOT_CAPTURE_H

#include <pcap/pcap.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stddef.h>

#define CAPTURE_MAX_BLOCKS 16

/* One batch buffer; the memory belongs to JavaScript typed arrays. */
typedef struct capture_block {
  uint8_t *data;
  size_t data_cap;
  uint32_t *offset;
  uint32_t *caplen;
  uint32_t *wirelen;
  double *ts_sec;
  uint32_t *ts_nsec;
  uint32_t capacity; /* packets */
  uint32_t count;
  size_t used; /* bytes */
} capture_block;

/* How the thread is asked to end. */
enum capture_stop { CAPTURE_RUN = 0, CAPTURE_DRAIN = 1, CAPTURE_ABORT = 2 };

typedef struct capture capture;

/* Hooks called on the capture thread. */
typedef struct capture_hooks {
  void (*publish)(capture *c, int block, uint32_t count);
  void (*fail)(capture *c, const char *message);
  void (*finished)(capture *c);
} capture_hooks;

struct capture {
  pcap_t *pcap;
  int nano; /* timestamps come in nanoseconds */
  int timeout_ms; /* libpcap read timeout: the kernel hands over partly filled blocks after it */
  capture_block blocks[CAPTURE_MAX_BLOCKS];
  int nblocks;
  int fill; /* block being filled by the thread, -1 when none */

  pthread_mutex_t lock; /* guards free_list, nfree and the stats snapshot */
  pthread_cond_t freed;
  int free_list[CAPTURE_MAX_BLOCKS];
  int nfree;
  atomic_int stop;

  pthread_t thread;
  int thread_started;
  int thread_joined;

  /* Stats snapshot, widened to 64 bits (libpcap's counters are 32-bit and wrap). */
  uint64_t received, dropped, if_dropped;
  uint32_t last_recv, last_drop, last_ifdrop;
  int stats_primed;
  uint64_t stats_at_ns;

  capture_hooks hooks;
  void *user;
};

/* Prepares `c` (blocks already described) and starts the thread; 0 on success. */
int capture_start(capture *c, char *errbuf, size_t errlen);
/* Asks the thread to end (CAPTURE_DRAIN: flush what libpcap holds first). Thread-safe. */
void capture_request_stop(capture *c, int how);
/* Gives a published block back to the thread. */
void capture_release(capture *c, int block);
/* Copies the latest stats snapshot. */
void capture_read_stats(capture *c, uint64_t *received, uint64_t *dropped, uint64_t *if_dropped);
/* Waits for the thread (it must be ending) and closes libpcap. Idempotent. */
void capture_join_and_close(capture *c);

#endif
