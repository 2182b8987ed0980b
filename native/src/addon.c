/*
 * N-API glue for the live capture engine (capture.c) and device listing (devices.c).
 *
 * JavaScript allocates the batch buffers (PacketBatch typed arrays) and passes them to
 * open(); the capture thread writes straight into them and announces a filled one through
 * a thread-safe function: one JavaScript call per batch.
 */
#include "addon.h"
#include "capture.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __linux__
#include <linux/if_packet.h>
#include <sys/socket.h>
#endif

enum message_kind { EV_BATCH = 1, EV_ERROR = 2, EV_END = 3 };

typedef struct message {
  int kind;
  int block;
  uint32_t count;
  char *text; /* EV_ERROR only, malloc'd */
} message;

#define ARRAYS_PER_BLOCK 6

typedef struct live {
  capture cap;
  napi_env env;
  napi_threadsafe_function tsfn;
  napi_ref refs[CAPTURE_MAX_BLOCKS * ARRAYS_PER_BLOCK];
  int nrefs;
  message batch_msgs[CAPTURE_MAX_BLOCKS]; /* a block is in flight at most once */
  message end_msg;
  int disposed;
  int hook_added;
} live;

/* ---------- small helpers ---------- */

napi_value throw_coded(napi_env env, const char *code, const char *message) {
  napi_throw_error(env, code, message);
  return NULL;
}

void set_named(napi_env env, napi_value obj, const char *key, napi_value value) {
  napi_set_named_property(env, obj, key, value);
}

napi_value make_string(napi_env env, const char *s) {
  napi_value v;
  napi_create_string_utf8(env, s ? s : "", NAPI_AUTO_LENGTH, &v);
  return v;
}

napi_value make_bool(napi_env env, int b) {
  napi_value v;
  napi_get_boolean(env, b != 0, &v);
  return v;
}

static napi_value make_number(napi_env env, double d) {
  napi_value v;
  napi_create_double(env, d, &v);
  return v;
}

static int prop(napi_env env, napi_value obj, const char *key, napi_value *out) {
  bool has = false;
  if (napi_has_named_property(env, obj, key, &has) != napi_ok || !has) return 0;
  if (napi_get_named_property(env, obj, key, out) != napi_ok) return 0;
  napi_valuetype t;
  napi_typeof(env, *out, &t);
  return t != napi_undefined && t != napi_null;
}

static double num_prop(napi_env env, napi_value obj, const char *key, double fallback) {
  napi_value v;
  double d;
  if (!prop(env, obj, key, &v) || napi_get_value_double(env, v, &d) != napi_ok) return fallback;
  return d;
}

static int bool_prop(napi_env env, napi_value obj, const char *key, int fallback) {
  napi_value v;
  bool b;
  if (!prop(env, obj, key, &v) || napi_get_value_bool(env, v, &b) != napi_ok) return fallback;
  return b;
}

/* malloc'd UTF-8 copy of obj[key], or NULL when absent. */
static char *str_prop(napi_env env, napi_value obj, const char *key) {
  napi_value v;
  size_t len = 0;
  if (!prop(env, obj, key, &v)) return NULL;
  if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok) return NULL;
  char *s = malloc(len + 1);
  if (s == NULL) return NULL;
  napi_get_value_string_utf8(env, v, s, len + 1, &len);
  return s;
}

/* Pointer into a typed array of the expected type, kept alive by a reference. */
static void *typed_prop(napi_env env, live *L, napi_value obj, const char *key,
                        napi_typedarray_type want, size_t *length) {
  napi_value v;
  bool is_typed = false;
  if (!prop(env, obj, key, &v)) return NULL;
  if (napi_is_typedarray(env, v, &is_typed) != napi_ok || !is_typed) return NULL;
  napi_typedarray_type type;
  void *data = NULL;
  napi_value ab;
  size_t off;
  if (napi_get_typedarray_info(env, v, &type, length, &data, &ab, &off) != napi_ok) return NULL;
  if (type != want || data == NULL) return NULL;
  napi_create_reference(env, v, 1, &L->refs[L->nrefs++]);
  return data;
}

static live *unwrap(napi_env env, napi_value handle) {
  void *p = NULL;
  if (napi_get_value_external(env, handle, &p) != napi_ok) return NULL;
  return (live *)p;
}

static void drop_refs(live *L) {
  for (int i = 0; i < L->nrefs; i++) napi_delete_reference(L->env, L->refs[i]);
  L->nrefs = 0;
}

/* ---------- capture thread hooks ---------- */

static void hook_publish(capture *c, int block, uint32_t count) {
  live *L = (live *)c->user;
  message *m = &L->batch_msgs[block];
  m->kind = EV_BATCH;
  m->block = block;
  m->count = count;
  napi_call_threadsafe_function(L->tsfn, m, napi_tsfn_nonblocking);
}

static void hook_fail(capture *c, const char *text) {
  live *L = (live *)c->user;
  message *m = calloc(1, sizeof *m);
  if (m == NULL) return;
  m->kind = EV_ERROR;
  m->text = strdup(text);
  if (napi_call_threadsafe_function(L->tsfn, m, napi_tsfn_nonblocking) != napi_ok) {
    free(m->text);
    free(m);
  }
}

static void hook_finished(capture *c) {
  live *L = (live *)c->user;
  L->end_msg.kind = EV_END;
  napi_call_threadsafe_function(L->tsfn, &L->end_msg, napi_tsfn_nonblocking);
  napi_release_threadsafe_function(L->tsfn, napi_tsfn_release);
}

/* Runs on the JavaScript thread: onEvent(kind, block, count, text). */
static void call_js(napi_env env, napi_value js_cb, void *context, void *data) {
  message *m = (message *)data;
  if (env != NULL && js_cb != NULL) {
    napi_value argv[4], undefined, result;
    napi_get_undefined(env, &undefined);
    napi_create_int32(env, m->kind, &argv[0]);
    napi_create_int32(env, m->block, &argv[1]);
    napi_create_uint32(env, m->count, &argv[2]);
    argv[3] = m->text ? make_string(env, m->text) : undefined;
    napi_call_function(env, undefined, js_cb, 4, argv, &result);
  }
  if (m->kind == EV_ERROR) {
    free(m->text);
    free(m);
  }
}

/* ---------- lifetime ---------- */

/* At environment teardown (process exit, worker end) a running thread must not outlive it. */
static void env_cleanup(void *arg) {
  live *L = (live *)arg;
  L->hook_added = 0;
  capture_request_stop(&L->cap, CAPTURE_ABORT);
  capture_join_and_close(&L->cap);
}

static void dispose_live(live *L) {
  if (L->disposed) return;
  L->disposed = 1;
  capture_request_stop(&L->cap, CAPTURE_ABORT);
  capture_join_and_close(&L->cap);
  drop_refs(L);
  if (L->hook_added) {
    napi_remove_env_cleanup_hook(L->env, env_cleanup, L);
    L->hook_added = 0;
  }
}

static void finalize_live(napi_env env, void *data, void *hint) {
  live *L = (live *)data;
  if (L->hook_added) {
    napi_remove_env_cleanup_hook(env, env_cleanup, L);
    L->hook_added = 0;
  }
  if (!L->cap.thread_joined && L->cap.thread_started) {
    capture_request_stop(&L->cap, CAPTURE_ABORT);
  }
  capture_join_and_close(&L->cap);
  free(L);
}

/* ---------- exported functions ---------- */

static const char *activate_code(int status) {
  switch (status) {
  case PCAP_ERROR_NO_SUCH_DEVICE: return "ENODEV";
  case PCAP_ERROR_PERM_DENIED: return "EPERM";
  case PCAP_ERROR_PROMISC_PERM_DENIED: return "EPERM";
  case PCAP_ERROR_IFACE_NOT_UP: return "EIFACEDOWN";
  default: return "EPCAP";
  }
}

/*
 * open(options, blocks, onEvent) -> Promise<{ handle, linkType, snaplen, nano, warning }>
 *
 * pcap_activate and pcap_compile can take long (a big BPF expression compiles in seconds):
 * they run on a libuv pool thread (open_execute), never on the JavaScript thread. The typed
 * arrays are read before (open_capture) and the capture thread starts after (open_complete).
 */
typedef struct open_job {
  napi_async_work work;
  napi_deferred deferred;
  napi_ref on_event;
  live *L;
  char *device;
  char *filter;
  int snaplen, promisc, buffer_size, timeout_ms, immediate;
  int fanout_group; /* -1: none; else the PACKET_FANOUT group to join (0..65535) */
  /* results of open_execute */
  const char *code; /* NULL on success */
  char errbuf[PCAP_ERRBUF_SIZE + 256];
  char warnbuf[PCAP_ERRBUF_SIZE + 64];
  int has_warning;
} open_job;

static void free_job(napi_env env, open_job *J) {
  if (J->on_event) napi_delete_reference(env, J->on_event);
  if (J->work) napi_delete_async_work(env, J->work);
  free(J->device);
  free(J->filter);
  free(J);
}

static void discard_live(live *L) {
  if (L == NULL) return;
  if (L->cap.pcap) pcap_close(L->cap.pcap);
  drop_refs(L);
  free(L);
}

/*
 * Joins the socket of an activated capture to a PACKET_FANOUT group (live workers: one capture
 * per thread, the kernel spreads the packets over them). Hashing keeps a flow on one socket,
 * so per-flow state never splits; DEFRAG reassembles IP fragments first so that they hash
 * with their flow. After the filter: a packet the filter refuses is never handed out.
 */
static void join_fanout(open_job *J, pcap_t *p) {
#if defined(__linux__) && defined(PACKET_FANOUT)
  int fd = pcap_fileno(p);
  int arg = (J->fanout_group & 0xffff) | ((PACKET_FANOUT_HASH | PACKET_FANOUT_FLAG_DEFRAG) << 16);
  if (setsockopt(fd, SOL_PACKET, PACKET_FANOUT, &arg, sizeof arg) != 0) {
    int e = errno;
    snprintf(J->errbuf, sizeof J->errbuf, "cannot join packet fan-out group %d on %s: %s%s", J->fanout_group, J->device,
             strerror(e), e == EINVAL ? " (the group id is taken by another capture with other settings)" : "");
    J->code = "EFANOUT";
  }
#else
  (void)p;
  snprintf(J->errbuf, sizeof J->errbuf, "packet fan-out (PACKET_FANOUT) needs Linux; %s cannot be shared between capture threads", J->device);
  J->code = "EFANOUT";
#endif
}

/* Pool thread: create, activate and filter the pcap handle. No N-API calls here. */
static void open_execute(napi_env env, void *data) {
  open_job *J = (open_job *)data;
  pcap_t *p = pcap_create(J->device, J->errbuf);
  if (p == NULL) {
    J->code = "EPCAP";
    return;
  }
  J->L->cap.pcap = p;
  pcap_set_snaplen(p, J->snaplen);
  pcap_set_promisc(p, J->promisc);
  pcap_set_timeout(p, J->timeout_ms);
  if (J->buffer_size > 0) pcap_set_buffer_size(p, J->buffer_size);
  if (J->immediate) pcap_set_immediate_mode(p, 1);
  pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);

  int status = pcap_activate(p);
  if (status < 0) {
    const char *text = pcap_geterr(p);
    snprintf(J->errbuf, sizeof J->errbuf, "%s", (text && text[0]) ? text : pcap_statustostr(status));
    J->code = activate_code(status);
    return;
  }
  if (status > 0) {
    const char *text = pcap_geterr(p);
    snprintf(J->warnbuf, sizeof J->warnbuf, "%s", (text && text[0]) ? text : pcap_statustostr(status));
    J->has_warning = 1;
  }
  if (J->filter != NULL && J->filter[0] != 0) {
    bpf_u_int32 net = 0, mask = PCAP_NETMASK_UNKNOWN;
    char lookup_err[PCAP_ERRBUF_SIZE];
    if (pcap_lookupnet(J->device, &net, &mask, lookup_err) != 0) mask = PCAP_NETMASK_UNKNOWN;
    struct bpf_program prog;
    if (pcap_compile(p, &prog, J->filter, 1, mask) != 0) {
      snprintf(J->errbuf, sizeof J->errbuf, "%s", pcap_geterr(p));
      J->code = "EFILTER";
      return;
    }
    int set = pcap_setfilter(p, &prog);
    pcap_freecode(&prog);
    if (set != 0) {
      snprintf(J->errbuf, sizeof J->errbuf, "%s", pcap_geterr(p));
      J->code = "EFILTER";
      return;
    }
  }
  if (J->fanout_group >= 0) join_fanout(J, p);
}

static void reject_coded(napi_env env, napi_deferred deferred, const char *code, const char *message) {
  napi_value msg, c, err;
  napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &msg);
  napi_create_string_utf8(env, code, NAPI_AUTO_LENGTH, &c);
  napi_create_error(env, c, msg, &err);
  napi_reject_deferred(env, deferred, err);
}

/* JavaScript thread: start the capture thread and settle the promise. */
static void open_complete(napi_env env, napi_status status, void *data) {
  open_job *J = (open_job *)data;
  live *L = J->L;
  if (status != napi_ok && J->code == NULL) {
    J->code = "EPCAP";
    snprintf(J->errbuf, sizeof J->errbuf, "open was cancelled");
  }
  if (J->code != NULL) goto fail;
  pcap_t *p = L->cap.pcap;
  L->cap.timeout_ms = J->timeout_ms > 0 ? J->timeout_ms : 1000;
  L->cap.nano = pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO;
  L->cap.hooks.publish = hook_publish;
  L->cap.hooks.fail = hook_fail;
  L->cap.hooks.finished = hook_finished;

  napi_value on_event, resource;
  napi_get_reference_value(env, J->on_event, &on_event);
  napi_create_string_utf8(env, "netspot:live-capture", NAPI_AUTO_LENGTH, &resource);
  if (napi_create_threadsafe_function(env, on_event, NULL, resource, 0, 1, NULL, NULL, L, call_js, &L->tsfn) != napi_ok) {
    J->code = "EINVAL";
    snprintf(J->errbuf, sizeof J->errbuf, "onEvent must be a function");
    goto fail;
  }
  if (capture_start(&L->cap, J->errbuf, sizeof J->errbuf) != 0) {
    napi_release_threadsafe_function(L->tsfn, napi_tsfn_abort);
    J->code = "EPCAP";
    goto fail;
  }
  napi_add_env_cleanup_hook(env, env_cleanup, L);
  L->hook_added = 1;

  napi_value handle, result;
  napi_create_external(env, L, finalize_live, NULL, &handle);
  napi_create_object(env, &result);
  set_named(env, result, "handle", handle);
  set_named(env, result, "linkType", make_number(env, pcap_datalink(p)));
  set_named(env, result, "snaplen", make_number(env, pcap_snapshot(p)));
  set_named(env, result, "nano", make_bool(env, L->cap.nano));
  if (J->has_warning) set_named(env, result, "warning", make_string(env, J->warnbuf));
  napi_resolve_deferred(env, J->deferred, result);
  free_job(env, J);
  return;

fail:
  reject_coded(env, J->deferred, J->code, J->errbuf);
  discard_live(L);
  free_job(env, J);
}

static napi_value open_capture(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 3) return throw_coded(env, "EINVAL", "open(options, blocks, onEvent) needs 3 arguments");

  char errbuf[PCAP_ERRBUF_SIZE + 256];
  open_job *J = calloc(1, sizeof *J);
  if (J == NULL) return throw_coded(env, "ENOMEM", "out of memory");
  J->device = str_prop(env, argv[0], "device");
  if (J->device == NULL) {
    free_job(env, J);
    return throw_coded(env, "EINVAL", "options.device is required");
  }
  J->filter = str_prop(env, argv[0], "filter");
  J->snaplen = (int)num_prop(env, argv[0], "snaplen", 65535);
  J->promisc = bool_prop(env, argv[0], "promisc", 1);
  J->buffer_size = (int)num_prop(env, argv[0], "bufferSize", 0);
  J->timeout_ms = (int)num_prop(env, argv[0], "timeoutMs", 10);
  J->immediate = bool_prop(env, argv[0], "immediate", 0);
  J->fanout_group = (int)num_prop(env, argv[0], "fanoutGroup", -1);
  if (J->fanout_group < -1 || J->fanout_group > 0xffff) {
    free_job(env, J);
    return throw_coded(env, "EINVAL", "options.fanoutGroup must be an integer in [0, 65535]");
  }

  live *L = calloc(1, sizeof *L);
  if (L == NULL) {
    free_job(env, J);
    return throw_coded(env, "ENOMEM", "out of memory");
  }
  L->env = env;
  L->cap.user = L;
  J->L = L;

  /* Blocks: each an object with data/offset/caplen/wirelen/tsSec/tsNsec typed arrays. */
  uint32_t nblocks = 0;
  bool is_array = false;
  napi_is_array(env, argv[1], &is_array);
  if (is_array) napi_get_array_length(env, argv[1], &nblocks);
  if (nblocks < 2 || nblocks > CAPTURE_MAX_BLOCKS) {
    snprintf(errbuf, sizeof errbuf, "between 2 and %d batch buffers are needed", CAPTURE_MAX_BLOCKS);
    throw_coded(env, "EINVAL", errbuf);
    goto fail;
  }
  for (uint32_t i = 0; i < nblocks; i++) {
    napi_value bo;
    napi_get_element(env, argv[1], i, &bo);
    capture_block *b = &L->cap.blocks[i];
    size_t n_data = 0, n_off = 0, n_cap = 0, n_wire = 0, n_sec = 0, n_nsec = 0;
    b->data = typed_prop(env, L, bo, "data", napi_uint8_array, &n_data);
    b->offset = typed_prop(env, L, bo, "offset", napi_uint32_array, &n_off);
    b->caplen = typed_prop(env, L, bo, "caplen", napi_uint32_array, &n_cap);
    b->wirelen = typed_prop(env, L, bo, "wirelen", napi_uint32_array, &n_wire);
    b->ts_sec = typed_prop(env, L, bo, "tsSec", napi_float64_array, &n_sec);
    b->ts_nsec = typed_prop(env, L, bo, "tsNsec", napi_uint32_array, &n_nsec);
    if (!b->data || !b->offset || !b->caplen || !b->wirelen || !b->ts_sec || !b->ts_nsec) {
      throw_coded(env, "EINVAL", "a batch buffer lacks one of data/offset/caplen/wirelen/tsSec/tsNsec");
      goto fail;
    }
    size_t cap = n_off;
    if (n_cap < cap) cap = n_cap;
    if (n_wire < cap) cap = n_wire;
    if (n_sec < cap) cap = n_sec;
    if (n_nsec < cap) cap = n_nsec;
    if (cap == 0 || n_data < (size_t)J->snaplen || n_data > UINT32_MAX) {
      throw_coded(env, "EINVAL", "a batch buffer must hold at least one packet of snaplen bytes (and < 4 GiB)");
      goto fail;
    }
    b->capacity = (uint32_t)cap;
    b->data_cap = n_data;
  }
  L->cap.nblocks = (int)nblocks;

  napi_valuetype cb_type;
  napi_typeof(env, argv[2], &cb_type);
  if (cb_type != napi_function) {
    throw_coded(env, "EINVAL", "onEvent must be a function");
    goto fail;
  }
  napi_create_reference(env, argv[2], 1, &J->on_event);

  napi_value promise, resource;
  napi_create_promise(env, &J->deferred, &promise);
  napi_create_string_utf8(env, "netspot:open-capture", NAPI_AUTO_LENGTH, &resource);
  napi_create_async_work(env, NULL, resource, open_execute, open_complete, J, &J->work);
  napi_queue_async_work(env, J->work);
  return promise;

fail:
  discard_live(L);
  free_job(env, J);
  return NULL;
}

static live *arg_live(napi_env env, napi_callback_info info, size_t want, napi_value *argv) {
  size_t argc = want;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  live *L = argc >= 1 ? unwrap(env, argv[0]) : NULL;
  if (L == NULL) throw_coded(env, "EINVAL", "not a live capture handle");
  return L;
}

/* release(handle, block): JavaScript is done with a batch. */
static napi_value release_block(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  live *L = arg_live(env, info, 2, argv);
  if (L == NULL) return NULL;
  int32_t block = -1;
  napi_get_value_int32(env, argv[1], &block);
  if (block < 0 || block >= L->cap.nblocks) return throw_coded(env, "EINVAL", "bad batch index");
  capture_release(&L->cap, block);
  return NULL;
}

/* stop(handle, drain): ends the capture thread; an END event follows. */
static napi_value stop_capture(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  live *L = arg_live(env, info, 2, argv);
  if (L == NULL) return NULL;
  bool drain = false;
  napi_get_value_bool(env, argv[1], &drain);
  if (!L->disposed) capture_request_stop(&L->cap, drain ? CAPTURE_DRAIN : CAPTURE_ABORT);
  return NULL;
}

/* dispose(handle): after END, joins the thread and closes libpcap. */
static napi_value dispose_capture(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  live *L = arg_live(env, info, 1, argv);
  if (L == NULL) return NULL;
  dispose_live(L);
  return NULL;
}

/* stats(handle) -> [received, dropped, ifDropped] (snapshot, at most ~timeout old) */
static napi_value capture_stats(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  live *L = arg_live(env, info, 1, argv);
  if (L == NULL) return NULL;
  uint64_t r = 0, d = 0, i = 0;
  capture_read_stats(&L->cap, &r, &d, &i);
  napi_value arr;
  napi_create_array_with_length(env, 3, &arr);
  napi_set_element(env, arr, 0, make_number(env, (double)r));
  napi_set_element(env, arr, 1, make_number(env, (double)d));
  napi_set_element(env, arr, 2, make_number(env, (double)i));
  return arr;
}

/*
 * compileFilter(filter, linkType, snaplen) -> Promise<void>: rejects with EFILTER and
 * libpcap's message. Compiles on a pool thread (see open_capture).
 */
typedef struct compile_job {
  napi_async_work work;
  napi_deferred deferred;
  char *filter;
  int32_t link, snaplen;
  const char *code;
  char errbuf[PCAP_ERRBUF_SIZE + 8];
} compile_job;

static void compile_execute(napi_env env, void *data) {
  compile_job *J = (compile_job *)data;
  pcap_t *p = pcap_open_dead(J->link, J->snaplen);
  if (p == NULL) {
    J->code = "EPCAP";
    snprintf(J->errbuf, sizeof J->errbuf, "pcap_open_dead failed");
    return;
  }
  struct bpf_program prog;
  if (pcap_compile(p, &prog, J->filter, 1, PCAP_NETMASK_UNKNOWN) == 0) {
    pcap_freecode(&prog);
  } else {
    J->code = "EFILTER";
    snprintf(J->errbuf, sizeof J->errbuf, "%s", pcap_geterr(p));
  }
  pcap_close(p);
}

static void compile_complete(napi_env env, napi_status status, void *data) {
  compile_job *J = (compile_job *)data;
  if (J->code != NULL) {
    reject_coded(env, J->deferred, J->code, J->errbuf);
  } else {
    napi_value undefined;
    napi_get_undefined(env, &undefined);
    napi_resolve_deferred(env, J->deferred, undefined);
  }
  napi_delete_async_work(env, J->work);
  free(J->filter);
  free(J);
}

static napi_value compile_filter(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 3) return throw_coded(env, "EINVAL", "compileFilter(filter, linkType, snaplen)");
  size_t len = 0;
  if (napi_get_value_string_utf8(env, argv[0], NULL, 0, &len) != napi_ok)
    return throw_coded(env, "EINVAL", "the filter must be a string");
  compile_job *J = calloc(1, sizeof *J);
  if (J == NULL) return throw_coded(env, "ENOMEM", "out of memory");
  J->filter = malloc(len + 1);
  if (J->filter == NULL) {
    free(J);
    return throw_coded(env, "ENOMEM", "out of memory");
  }
  napi_get_value_string_utf8(env, argv[0], J->filter, len + 1, &len);
  J->link = 1;
  J->snaplen = 65535;
  napi_get_value_int32(env, argv[1], &J->link);
  napi_get_value_int32(env, argv[2], &J->snaplen);
  napi_value promise, resource;
  napi_create_promise(env, &J->deferred, &promise);
  napi_create_string_utf8(env, "netspot:compile-filter", NAPI_AUTO_LENGTH, &resource);
  napi_create_async_work(env, NULL, resource, compile_execute, compile_complete, J, &J->work);
  napi_queue_async_work(env, J->work);
  return promise;
}

static napi_value lib_version(napi_env env, napi_callback_info info) {
  return make_string(env, pcap_lib_version());
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    {"open", NULL, open_capture, NULL, NULL, NULL, napi_default, NULL},
    {"release", NULL, release_block, NULL, NULL, NULL, napi_default, NULL},
    {"stop", NULL, stop_capture, NULL, NULL, NULL, napi_default, NULL},
    {"dispose", NULL, dispose_capture, NULL, NULL, NULL, napi_default, NULL},
    {"stats", NULL, capture_stats, NULL, NULL, NULL, napi_default, NULL},
    {"compileFilter", NULL, compile_filter, NULL, NULL, NULL, napi_default, NULL},
    {"listDevices", NULL, list_devices, NULL, NULL, NULL, napi_default, NULL},
    {"libVersion", NULL, lib_version, NULL, NULL, NULL, napi_default, NULL},
    {"sendUnixDatagram", NULL, send_unix_datagram, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
