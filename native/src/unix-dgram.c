/*
 * sendUnixDatagram(path, buffer): one datagram to a unix datagram socket such as /dev/log,
 * which Node's dgram module cannot reach (it speaks UDP only). Non-blocking: a full receiver
 * is an EAGAIN error for the caller to retry later, never a stall.
 */
#include "addon.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

napi_value send_unix_datagram(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 2) return throw_coded(env, "EINVAL", "sendUnixDatagram(path, buffer)");
  struct sockaddr_un addr;
  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  size_t len = 0;
  if (napi_get_value_string_utf8(env, argv[0], addr.sun_path, sizeof addr.sun_path, &len) != napi_ok)
    return throw_coded(env, "EINVAL", "the socket path must be a string");
  if (len >= sizeof addr.sun_path - 1) return throw_coded(env, "ENAMETOOLONG", "socket path too long");
  void *data = NULL;
  size_t size = 0;
  if (napi_get_buffer_info(env, argv[1], &data, &size) != napi_ok)
    return throw_coded(env, "EINVAL", "the datagram must be a Buffer");
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return throw_coded(env, "ESOCKET", strerror(errno));
  ssize_t n = sendto(fd, data, size, MSG_DONTWAIT | MSG_NOSIGNAL, (struct sockaddr *)&addr, sizeof addr);
  int err = errno;
  close(fd);
  if (n < 0) {
    char msg[512];
    snprintf(msg, sizeof msg, "sendto %s: %s", addr.sun_path, strerror(err));
    const char *code = err == ENOENT ? "ENOENT" : err == ECONNREFUSED ? "ECONNREFUSED" : err == EAGAIN ? "EAGAIN" : err == EMSGSIZE ? "EMSGSIZE" : "ESEND";
    return throw_coded(env, code, msg);
  }
  return NULL;
}
