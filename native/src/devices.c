/* listDevices(): pcap_findalldevs as plain objects, addresses already formatted. */
#include "addon.h"

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/* Text form of an address (IPv4, IPv6 or link layer); 0 when the family is unknown. */
static int format_addr(const struct sockaddr *sa, char *out, size_t len, const char **family) {
  if (sa == NULL) return 0;
  switch (sa->sa_family) {
  case AF_INET:
    *family = "inet";
    return inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)len) != NULL;
  case AF_INET6:
    *family = "inet6";
    return inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, (socklen_t)len) != NULL;
  case AF_PACKET: {
    const struct sockaddr_ll *ll = (const struct sockaddr_ll *)sa;
    *family = "link";
    size_t n = 0;
    out[0] = 0;
    for (int i = 0; i < ll->sll_halen && i < 8 && n + 3 < len; i++) {
      n += (size_t)snprintf(out + n, len - n, i ? ":%02x" : "%02x", ll->sll_addr[i]);
    }
    return 1;
  }
  default:
    return 0;
  }
}

static void set_addr(napi_env env, napi_value obj, const char *key, const struct sockaddr *sa) {
  char text[INET6_ADDRSTRLEN + 32];
  const char *family = NULL;
  if (format_addr(sa, text, sizeof text, &family)) set_named(env, obj, key, make_string(env, text));
}

static const char *connection_status(bpf_u_int32 flags) {
  switch (flags & PCAP_IF_CONNECTION_STATUS) {
  case PCAP_IF_CONNECTION_STATUS_CONNECTED: return "connected";
  case PCAP_IF_CONNECTION_STATUS_DISCONNECTED: return "disconnected";
  case PCAP_IF_CONNECTION_STATUS_NOT_APPLICABLE: return "not-applicable";
  default: return "unknown";
  }
}

napi_value list_devices(napi_env env, napi_callback_info info) {
  pcap_if_t *all = NULL;
  char errbuf[PCAP_ERRBUF_SIZE];
  if (pcap_findalldevs(&all, errbuf) != 0) return throw_coded(env, "EPCAP", errbuf);
  napi_value list;
  napi_create_array(env, &list);
  uint32_t index = 0;
  for (pcap_if_t *d = all; d != NULL; d = d->next) {
    napi_value dev, flags, addrs;
    napi_create_object(env, &dev);
    set_named(env, dev, "name", make_string(env, d->name));
    if (d->description) set_named(env, dev, "description", make_string(env, d->description));

    napi_create_object(env, &flags);
    set_named(env, flags, "up", make_bool(env, d->flags & PCAP_IF_UP));
    set_named(env, flags, "running", make_bool(env, d->flags & PCAP_IF_RUNNING));
    set_named(env, flags, "loopback", make_bool(env, d->flags & PCAP_IF_LOOPBACK));
    set_named(env, flags, "wireless", make_bool(env, d->flags & PCAP_IF_WIRELESS));
    set_named(env, flags, "connection", make_string(env, connection_status(d->flags)));
    set_named(env, dev, "flags", flags);

    napi_create_array(env, &addrs);
    uint32_t n = 0;
    for (pcap_addr_t *a = d->addresses; a != NULL; a = a->next) {
      char text[INET6_ADDRSTRLEN + 32];
      const char *family = NULL;
      if (!format_addr(a->addr, text, sizeof text, &family)) continue;
      napi_value addr;
      napi_create_object(env, &addr);
      set_named(env, addr, "family", make_string(env, family));
      set_named(env, addr, "address", make_string(env, text));
      set_addr(env, addr, "netmask", a->netmask);
      set_addr(env, addr, "broadcast", a->broadaddr);
      set_addr(env, addr, "destination", a->dstaddr);
      napi_set_element(env, addrs, n++, addr);
    }
    set_named(env, dev, "addresses", addrs);
    napi_set_element(env, list, index++, dev);
  }
  pcap_freealldevs(all);
  return list;
}
