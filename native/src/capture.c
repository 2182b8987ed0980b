/* Live capture engine: see capture.h. */
#include "capture.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* The stats snapshot is refreshed at most this often while packets flow. */
#define STATS_REFRESH_NS 10000000ull

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void refresh_stats(capture *c) {
  struct pcap_stat st;
  if (pcap_stats(c->pcap, &st) != 0) return;
  pthread_mutex_lock(&c->lock);
  if (!c->stats_primed) {
    c->received = st.ps_recv;
    c->dropped = st.ps_drop;
    c->if_dropped = st.ps_ifdrop;
    c->stats_primed = 1;
  } else {
    /* Unsigned differences survive the 32-bit wrap. */
    c->received += (uint32_t)(st.ps_recv - c->last_recv);
    c->dropped += (uint32_t)(st.ps_drop - c->last_drop);
    c->if_dropped += (uint32_t)(st.ps_ifdrop - c->last_ifdrop);
  }
  c->last_recv = st.ps_recv;
  c->last_drop = st.ps_drop;
  c->last_ifdrop = st.ps_ifdrop;
  pthread_mutex_unlock(&c->lock);
  c->stats_at_ns = now_ns();
}

static void publish_fill(capture *c) {
  int idx = c->fill;
  c->fill = -1;
  c->hooks.publish(c, idx, c->blocks[idx].count);
}

/* Takes a free block to fill, waiting for JavaScript to release one; 0 when aborting. */
static int acquire_fill(capture *c) {
  pthread_mutex_lock(&c->lock);
  while (c->nfree == 0 && atomic_load(&c->stop) != CAPTURE_ABORT) {
    /* JavaScript holds every batch: the kernel ring fills meanwhile and may drop, so keep
       the stats snapshot fresh while waiting (drops show in the period they happen). */
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_nsec += (long)STATS_REFRESH_NS;
    if (until.tv_nsec >= 1000000000L) {
      until.tv_sec += 1;
      until.tv_nsec -= 1000000000L;
    }
    if (pthread_cond_timedwait(&c->freed, &c->lock, &until) != 0 && c->nfree == 0) {
      pthread_mutex_unlock(&c->lock);
      refresh_stats(c);
      pthread_mutex_lock(&c->lock);
    }
  }
  if (c->nfree == 0) {
    pthread_mutex_unlock(&c->lock);
    return 0;
  }
  int idx = c->free_list[--c->nfree];
  pthread_mutex_unlock(&c->lock);
  c->blocks[idx].count = 0;
  c->blocks[idx].used = 0;
  c->fill = idx;
  return 1;
}

/* The per-packet path: one bounds check, five stores and a memcpy. */
static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes) {
  capture *c = (capture *)user;
  uint32_t len = h->caplen;
  capture_block *b = c->fill >= 0 ? &c->blocks[c->fill] : NULL;
  if (b == NULL || b->count == b->capacity || b->used + len > b->data_cap) {
    if (b != NULL && b->count > 0) publish_fill(c);
    if (!acquire_fill(c)) {
      pcap_breakloop(c->pcap);
      return;
    }
    b = &c->blocks[c->fill];
    if (len > b->data_cap) len = (uint32_t)b->data_cap; /* blocks are sized >= snaplen */
  }
  uint32_t i = b->count;
  b->offset[i] = (uint32_t)b->used;
  b->caplen[i] = len;
  b->wirelen[i] = h->len;
  b->ts_sec[i] = (double)h->ts.tv_sec;
  b->ts_nsec[i] = c->nano ? (uint32_t)h->ts.tv_usec : (uint32_t)h->ts.tv_usec * 1000u;
  memcpy(b->data + b->used, bytes, len);
  b->used += len;
  b->count = i + 1;
}

static void fail_with_pcap_error(capture *c) {
  char msg[PCAP_ERRBUF_SIZE + 32];
  snprintf(msg, sizeof msg, "%s", pcap_geterr(c->pcap));
  c->hooks.fail(c, msg[0] ? msg : "libpcap reported an error without a message");
}

/*
 * After a drain request: read what libpcap holds. The kernel hands over a partly filled
 * ring block only when the read timeout retires it, so poll (without blocking: an idle
 * ring never wakes a blocking read) for two timeouts.
 */
static void drain(capture *c) {
  char errbuf[PCAP_ERRBUF_SIZE];
  if (pcap_setnonblock(c->pcap, 1, errbuf) != 0) return;
  uint64_t deadline = now_ns() + (uint64_t)(2 * c->timeout_ms + 5) * 1000000ull;
  const struct timespec pause = {0, 1000000};
  while (now_ns() < deadline) {
    if (atomic_load(&c->stop) == CAPTURE_ABORT) return;
    int n = pcap_dispatch(c->pcap, -1, on_packet, (u_char *)c);
    if (n == PCAP_ERROR_BREAK) continue; /* the break that ended the main loop */
    if (n < 0) return;
    if (n == 0) nanosleep(&pause, NULL);
  }
}

static void *capture_main(void *arg) {
  capture *c = (capture *)arg;
  int failed = 0;
  while (atomic_load(&c->stop) == CAPTURE_RUN) {
    int n = pcap_dispatch(c->pcap, -1, on_packet, (u_char *)c);
    if (n == PCAP_ERROR_BREAK) continue;
    if (n < 0) {
      refresh_stats(c);
      if (c->fill >= 0 && c->blocks[c->fill].count > 0) publish_fill(c);
      fail_with_pcap_error(c);
      failed = 1;
      break;
    }
    /* Hand over what arrived in this wake-up so batches flow at low rates too. */
    if (c->fill >= 0 && c->blocks[c->fill].count > 0) {
      refresh_stats(c);
      publish_fill(c);
    } else if (now_ns() - c->stats_at_ns >= STATS_REFRESH_NS) {
      refresh_stats(c);
    }
  }
  if (!failed && atomic_load(&c->stop) == CAPTURE_DRAIN) {
    drain(c);
    refresh_stats(c);
    if (c->fill >= 0 && c->blocks[c->fill].count > 0) publish_fill(c);
  }
  c->hooks.finished(c);
  return NULL;
}

int capture_start(capture *c, char *errbuf, size_t errlen) {
  c->fill = -1;
  c->nfree = 0;
  for (int i = c->nblocks - 1; i >= 0; i--) c->free_list[c->nfree++] = i;
  atomic_store(&c->stop, CAPTURE_RUN);
  pthread_mutex_init(&c->lock, NULL);
  pthread_cond_init(&c->freed, NULL);
  refresh_stats(c);
  int err = pthread_create(&c->thread, NULL, capture_main, c);
  if (err != 0) {
    snprintf(errbuf, errlen, "cannot start the capture thread: %s", strerror(err));
    return -1;
  }
  c->thread_started = 1;
  return 0;
}

void capture_request_stop(capture *c, int how) {
  int expected = CAPTURE_RUN;
  /* ABORT overrides a DRAIN in progress; DRAIN never downgrades an ABORT. */
  if (how == CAPTURE_ABORT) {
    atomic_store(&c->stop, CAPTURE_ABORT);
  } else {
    atomic_compare_exchange_strong(&c->stop, &expected, how);
  }
  pthread_mutex_lock(&c->lock);
  pthread_cond_broadcast(&c->freed);
  pthread_mutex_unlock(&c->lock);
  if (c->pcap != NULL) pcap_breakloop(c->pcap);
}

void capture_release(capture *c, int block) {
  pthread_mutex_lock(&c->lock);
  if (c->nfree < CAPTURE_MAX_BLOCKS) c->free_list[c->nfree++] = block;
  pthread_cond_signal(&c->freed);
  pthread_mutex_unlock(&c->lock);
}

void capture_read_stats(capture *c, uint64_t *received, uint64_t *dropped, uint64_t *if_dropped) {
  pthread_mutex_lock(&c->lock);
  *received = c->received;
  *dropped = c->dropped;
  *if_dropped = c->if_dropped;
  pthread_mutex_unlock(&c->lock);
}

void capture_join_and_close(capture *c) {
  if (c->thread_started && !c->thread_joined) {
    pthread_join(c->thread, NULL);
    c->thread_joined = 1;
  }
  if (c->pcap != NULL) {
    pcap_close(c->pcap);
    c->pcap = NULL;
  }
}
