/* Small N-API helpers shared by the addon's files. */
#ifndef NETSPOT_ADDON_H
#define NETSPOT_ADDON_H

#include <node_api.h>

/* Throws `message` with `code` (seen as error.code in JavaScript) and returns NULL. */
napi_value throw_coded(napi_env env, const char *code, const char *message);
/* Sets obj[key] = value, ignoring failures (only used on fresh objects). */
void set_named(napi_env env, napi_value obj, const char *key, napi_value value);
napi_value make_string(napi_env env, const char *s);
napi_value make_bool(napi_env env, int b);

/* pcap_findalldevs as an array of plain objects (devices.c). */
napi_value list_devices(napi_env env, napi_callback_info info);

/* One datagram to a unix datagram socket (unix-dgram.c). */
napi_value send_unix_datagram(napi_env env, napi_callback_info info);

#endif
